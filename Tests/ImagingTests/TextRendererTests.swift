import Imaging
import TextRendering
import XCTest

final class TextRendererTests: XCTestCase {
    private func renderer() throws -> TextRenderer {
        do {
            return try TextRenderer()
        } catch let error as ImagingError {
            if case .fontNotFound = error { throw XCTSkip("skipped: \(error)") }
            throw error
        }
    }

    func testTextChangesPixelsOnlyInsideTheMeasuredBox() throws {
        let text = try renderer()
        let size = try text.measure("Happy 97%", size: 16)
        XCTAssertGreaterThan(size.width, 40)
        XCTAssertGreaterThan(size.height, 10)
        for format in [PixelFormat.rgb8, .gray8] {
            var image = try Image(width: 160, height: 40, format: format)
            try text.drawText("Happy 97%", at: Point(x: 7, y: 5), size: 16, color: .white, on: &image)
            var changed = 0
            for y in 0..<40 {
                for x in 0..<160 where image.pixel(x: x, y: y) != .black {
                    changed += 1
                    XCTAssertTrue(x >= 7 && x < 7 + size.width && y >= 5 && y < 5 + size.height,
                                  "pixel (\(x), \(y)) outside the measured box")
                }
            }
            XCTAssertGreaterThan(changed, 50, "\(format)")
            XCTAssertTrue(image.pixels.contains(255), "glyph cores should be fully covered")
        }
    }

    func testBackgroundFillsTheMeasuredBoxAndClips() throws {
        let text = try renderer()
        let size = try text.measure("Hi", size: 12)
        var image = try Image(width: 50, height: 30, format: .rgb8)
        try text.drawText("Hi", at: Point(x: 2, y: 3), size: 12, color: .white, background: .blue, on: &image)
        XCTAssertEqual(image.pixel(x: 2, y: 3), .blue)
        XCTAssertEqual(image.pixel(x: 2 + size.width - 1, y: 3 + size.height - 1), .blue)
        XCTAssertEqual(image.pixel(x: 2 + size.width, y: 3), .black)
        XCTAssertEqual(image.pixel(x: 1, y: 3), .black)
        // Partly and wholly off-image text is clipped without trapping; empty text is a no-op.
        try text.drawText("Surprise", at: Point(x: -20, y: 20), size: 20, color: .red, on: &image)
        try text.drawText("Sad", at: Point(x: 500, y: 500), size: 20, color: .red, on: &image)
        try text.drawText("", at: Point(x: 0, y: 0), size: 20, color: .red, on: &image)
        XCTAssertThrowsError(try text.drawText("x", at: .zero, size: 0, color: .red, on: &image))
    }

    func testMissingFontNamesPathAndPackage() {
        XCTAssertThrowsError(try TextRenderer(fontPath: "/nonexistent/Font.ttf")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("/nonexistent/Font.ttf"), message)
            XCTAssertTrue(message.contains("fonts-dejavu-core"), message)
        }
    }

    func testRenderersAreIndependentAndThreadSafe() throws {
        let first = try renderer()
        do {
            let second = try renderer()
            _ = try second.measure("x", size: 30)
        }
        // The first still works after the second shut its fonts (and its TTF_Init reference) down.
        XCTAssertGreaterThan(try first.measure("still here", size: 14).width, 0)
        let widths = UnsafeSendableBox()
        DispatchQueueConcurrent.run(8) { i in
            var image = try! Image(width: 100, height: 30, format: .rgb8)
            try! first.drawText("thread \(i)", at: Point(x: 1, y: 1), size: 10 + i, color: .white, on: &image)
            widths.set(i, image.pixels.filter { $0 != 0 }.count)
        }
        XCTAssertEqual(widths.values.count, 8)
        XCTAssertTrue(widths.values.allSatisfy { $0 > 0 })
    }
}

import Foundation

/// Collects per-thread results in the concurrency test.
private final class UnsafeSendableBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Int: Int] = [:]
    func set(_ key: Int, _ value: Int) { lock.withLock { storage[key] = value } }
    var values: [Int] { lock.withLock { Array(storage.values) } }
}

private enum DispatchQueueConcurrent {
    static func run(_ count: Int, _ body: @Sendable (Int) -> Void) {
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}
