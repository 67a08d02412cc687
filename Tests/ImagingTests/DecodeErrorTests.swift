import Foundation
import Imaging
import TestSupport
import XCTest

final class DecodeErrorTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try TestPaths.temporaryDirectory()
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: dir)
    }

    private func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    private func fixtureBytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestImages.fixture(name))))
    }

    /// Decoding `path` must throw `expected`, whose description names the file.
    private func assertDecodeFails(_ path: String, _ expected: (ImagingError) -> Bool,
                                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ImageCodec.decode(fileAt: path, as: .rgb8), file: file, line: line) { error in
            guard let error = error as? ImagingError else {
                return XCTFail("not an ImagingError: \(error)", file: file, line: line)
            }
            XCTAssertTrue(expected(error), "unexpected error: \(error)", file: file, line: line)
            XCTAssertTrue(error.description.contains(path), "message does not name the file: \(error)", file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), file: file, line: line)
        }
    }

    func testMissingFile() {
        let path = dir.appendingPathComponent("nope.jpg").path
        assertDecodeFails(path) { $0 == .fileNotFound(path: path) }
        assertDecodeFails(dir.appendingPathComponent("nodir/x.png").path) {
            if case .fileNotFound = $0 { return true } else { return false }
        }
    }

    func testPermissionDenied() throws {
        guard geteuid() != 0 else {
            throw XCTSkip("skipped: running as root, which may read any file (permission check untestable)")
        }
        let path = try write(try fixtureBytes("kit_with_rose.jpg"), "secret.jpg")
        chmod(path, 0)
        assertDecodeFails(path) { $0 == .permissionDenied(path: path) }
    }

    func testDirectoryIsUnreadable() {
        assertDecodeFails(dir.path) {
            if case .unreadable(_, let reason) = $0 { return reason.contains("directory") } else { return false }
        }
    }

    func testEmptyFile() throws {
        let path = try write([], "empty.jpg")
        assertDecodeFails(path) { $0 == .emptyFile(name: path) }
        XCTAssertThrowsError(try ImageCodec.decode(data: [], as: .gray8, name: "frame 3")) {
            XCTAssertEqual(($0 as? ImagingError)?.description, "frame 3: empty file")
        }
    }

    func testGarbageIsNotAnImage() throws {
        let path = try write(Array("hello, this is not an image".utf8), "garbage.jpg")
        assertDecodeFails(path) { $0 == .unsupportedFormat(name: path) }
        XCTAssertEqual(ImagingError.unsupportedFormat(name: path).description, "\(path): not a JPEG or PNG image")
        // Two bytes of JPEG magic are not enough.
        assertDecodeFails(try write([0xFF, 0xD8], "short.jpg")) {
            if case .unsupportedFormat = $0 { return true } else { return false }
        }
    }

    func testJPEGCutInsideItsHeaderFails() throws {
        let path = try write(Array(try fixtureBytes("kit_with_rose.jpg").prefix(300)), "cut.jpg")
        assertDecodeFails(path) {
            if case .corruptData(_, "JPEG", let detail) = $0 { return !detail.isEmpty } else { return false }
        }
    }

    func testJPEGCutInsideItsScanDecodesWithAWarning() throws {
        // Policy: libjpeg only warns ("Premature end of JPEG file"); the image is returned.
        let bytes = try fixtureBytes("kit_with_rose.jpg")
        let path = try write(Array(bytes.prefix(bytes.count / 2)), "half.jpg")
        let image = try ImageCodec.decode(fileAt: path, as: .rgb8)
        XCTAssertEqual(image.width, 501)
        XCTAssertEqual(image.height, 700)
        let full = try ImageCodec.decode(fileAt: TestImages.fixture("kit_with_rose.jpg"), as: .rgb8)
        XCTAssertNotEqual(image, full, "the missing half must not look like the real image")
    }

    func testJPEGWithGarbageAfterHeaderFails() throws {
        var bytes = try fixtureBytes("kit_with_rose.jpg")
        // Overwrite the quantisation/Huffman tables region with junk.
        for i in 20..<600 { bytes[i] = UInt8(truncatingIfNeeded: i &* 37) }
        let path = try write(bytes, "junk.jpg")
        assertDecodeFails(path) {
            if case .corruptData(_, "JPEG", _) = $0 { return true } else { return false }
        }
    }

    func testTruncatedPNGFails() throws {
        let bytes = try fixtureBytes("kit_with_rose_small.png")
        for (cut, name) in [(bytes.count / 2, "half.png"), (20, "header.png"), (8, "signature.png")] {
            let path = try write(Array(bytes.prefix(cut)), name)
            assertDecodeFails(path) {
                if case .corruptData(_, "PNG", let detail) = $0 { return !detail.isEmpty } else { return false }
            }
        }
    }

    func testZeroDimensionsFail() throws {
        let png = TestImages.pngWithHeaderSize(try fixtureBytes("kit_with_rose_small.png"), width: 0, height: 224)
        assertDecodeFails(try write(png, "zero.png")) {
            switch $0 {
            case .zeroDimensions: return true
            case .corruptData(_, "PNG", let detail): return detail.contains("IHDR") // libpng checks IHDR first
            default: return false
            }
        }
        let jpeg = TestImages.jpegWithFrameSize(try fixtureBytes("kit_with_rose.jpg"), width: 501, height: 0)
        assertDecodeFails(try write(jpeg, "zero.jpg")) {
            switch $0 {
            case .zeroDimensions, .corruptData(_, "JPEG", _): return true
            default: return false
            }
        }
    }

    func testAbsurdDimensionsFail() throws {
        let png = TestImages.pngWithHeaderSize(try fixtureBytes("kit_with_rose_small.png"), width: 40_000, height: 224)
        let pngPath = try write(png, "wide.png")
        assertDecodeFails(pngPath) { $0 == .dimensionsTooLarge(name: pngPath, width: 40_000, height: 224) }

        let jpeg = TestImages.jpegWithFrameSize(try fixtureBytes("kit_with_rose.jpg"), width: 501, height: 50_000)
        let jpegPath = try write(jpeg, "tall.jpg")
        assertDecodeFails(jpegPath) { $0 == .dimensionsTooLarge(name: jpegPath, width: 501, height: 50_000) }
    }

    func testAHeaderClaimingTooManyPixelsFailsBeforeAnyAllocation() throws {
        // 20000 x 20000 is within the per-side limit but 400 megapixels: 1.2 GB as RGB for a 130 kB file.
        let jpeg = TestImages.jpegWithFrameSize(try fixtureBytes("kit_with_rose.jpg"), width: 20_000, height: 20_000)
        let jpegPath = try write(jpeg, "huge.jpg")
        assertDecodeFails(jpegPath) { $0 == .dimensionsTooLarge(name: jpegPath, width: 20_000, height: 20_000) }
        XCTAssertThrowsError(try ImageCodec.decode(fileAt: jpegPath, as: .rgb8)) { error in
            XCTAssertEqual("\(error)", "\(jpegPath): image is 20000x20000, more than 67 megapixels")
        }
        let yuv = try JPEGYUVDecoder()
        XCTAssertThrowsError(try yuv.decode(jpeg, name: "frame")) { error in
            XCTAssertEqual(error as? ImagingError, .dimensionsTooLarge(name: "frame", width: 20_000, height: 20_000))
        }
    }

    func testImageInitValidates() {
        XCTAssertThrowsError(try Image(width: 0, height: 3, format: .gray8, pixels: []))
        XCTAssertThrowsError(try Image(width: 2, height: 2, format: .rgb8, pixels: [1, 2, 3]))
        XCTAssertThrowsError(try Image(width: 40_000, height: 1, format: .gray8))
        XCTAssertNoThrow(try Image(width: 1, height: 1, format: .rgb8, pixels: [1, 2, 3]))
    }
}
