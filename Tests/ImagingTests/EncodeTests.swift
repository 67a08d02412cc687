import Foundation
import Imaging
import TestSupport
import XCTest

final class EncodeTests: XCTestCase {
    func testOnePixelRoundTrip() throws {
        let rgb = try Image(width: 1, height: 1, format: .rgb8, pixels: [200, 40, 90])
        let back = try ImageCodec.decode(data: try JPEGEncoder.encode(rgb, quality: 100), as: .rgb8)
        XCTAssertEqual(back.width, 1)
        XCTAssertEqual(back.height, 1)
        XCTAssertLessThanOrEqual(TestImages.maximumDifference(back, rgb), 6)

        let gray = try Image(width: 1, height: 1, format: .gray8, pixels: [77])
        let grayBack = try ImageCodec.decode(data: try JPEGEncoder.encode(gray, quality: 95), as: .gray8)
        XCTAssertEqual(grayBack.width, 1)
        XCTAssertLessThanOrEqual(TestImages.maximumDifference(grayBack, gray), 1)
    }

    func testPhotoRoundTripIsClose() throws {
        let image = try ImageCodec.decode(fileAt: TestImages.fixture("kit_with_rose.jpg"), as: .rgb8)
        let bytes = try JPEGEncoder.encode(image, quality: 90)
        XCTAssertEqual(Array(bytes.prefix(3)), [0xFF, 0xD8, 0xFF])
        let back = try ImageCodec.decode(data: bytes, as: .rgb8)
        XCTAssertEqual(back.width, image.width)
        XCTAssertLessThan(TestImages.meanAbsoluteDifference(back, image), 3.0)
        // Lower quality gives fewer bytes.
        XCTAssertLessThan(try JPEGEncoder.encode(image, quality: 30).count, bytes.count)
    }

    func testWriteFile() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out.jpg").path
        let image = TestImages.noise(40, 30, .rgb8)
        try JPEGEncoder.write(image, to: path)
        XCTAssertEqual(try ImageCodec.decode(fileAt: path, as: .rgb8).width, 40)
    }

    func testUnwritablePathFails() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = TestImages.noise(8, 8, .gray8)
        for path in [dir.appendingPathComponent("missing/out.jpg").path, dir.path] {
            XCTAssertThrowsError(try JPEGEncoder.write(image, to: path)) { error in
                guard case .cannotWrite(let failed, let reason)? = error as? ImagingError else {
                    return XCTFail("unexpected error \(error)")
                }
                XCTAssertEqual(failed, path)
                XCTAssertFalse(reason.isEmpty)
                XCTAssertTrue("\(error)".hasPrefix("\(path): cannot write ("), "\(error)")
            }
        }
    }

    func testInvalidQualityFails() {
        let image = TestImages.noise(4, 4, .rgb8)
        XCTAssertThrowsError(try JPEGEncoder.encode(image, quality: 0))
        XCTAssertThrowsError(try JPEGEncoder.encode(image, quality: 101))
    }
}
