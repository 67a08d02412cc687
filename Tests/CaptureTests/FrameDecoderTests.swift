import Capture
import Foundation
import Imaging
import TestSupport
import XCTest

final class FrameDecoderTests: XCTestCase {
    private func frame(_ payload: FramePayload, _ bytes: [UInt8], width: Int, height: Int, sequence: Int = 17) -> CapturedFrame {
        CapturedFrame(sequence: sequence, presentationTime: 0, captureTime: 0, width: width, height: height,
                      payload: payload, bytes: bytes)
    }

    func testEveryPayload() throws {
        let decoder = try FrameDecoder(sourceName: "cam")
        let jpeg = try Clips.bytes(Clips.fixture("two_people.jpg"))
        let fromJPEG = try decoder.decode(frame(.jpeg, jpeg, width: 0, height: 0))
        XCTAssertEqual(fromJPEG.width, 1126)
        XCTAssertEqual(fromJPEG.chromaWidth, 1126, "the fixture is 4:4:4 and stays so")

        let png = try Clips.bytes(Clips.fixture("kit_with_rose_small.png"))
        XCTAssertEqual(try decoder.decode(frame(.png, png, width: 0, height: 0)).range, .full)

        // YUYV 4x2: a white pair and a black pair per row (limited range).
        let yuyv: [UInt8] = [235, 128, 235, 128, 16, 128, 16, 128, 235, 128, 235, 128, 16, 128, 16, 128]
        let fromYUYV = try decoder.decode(frame(.yuyv(range: .limited), yuyv, width: 4, height: 2))
        XCTAssertEqual(fromYUYV.luma.pixels, [235, 235, 16, 16, 235, 235, 16, 16])
        XCTAssertEqual(fromYUYV.chromaWidth, 2)
        XCTAssertEqual(fromYUYV.rgb().pixel(x: 0, y: 0), RGB(r: 255, g: 255, b: 255))
        XCTAssertEqual(fromYUYV.rgb().pixel(x: 3, y: 1), RGB(r: 0, g: 0, b: 0))

        let planar = [UInt8](repeating: 100, count: 8) + [90, 90] + [200, 200]
        let fromPlanar = try decoder.decode(frame(.planarYUV(chromaWidth: 2, chromaHeight: 1, range: .full), planar,
                                                  width: 4, height: 2))
        XCTAssertEqual(fromPlanar.cb, [90, 90])
        XCTAssertEqual(fromPlanar.cr, [200, 200])
        XCTAssertEqual(fromPlanar.luma.pixels, [UInt8](repeating: 100, count: 8))

        let gray = try decoder.decode(frame(.gray, [1, 2, 3, 4, 5, 6], width: 3, height: 2))
        XCTAssertTrue(gray.isGray)
        XCTAssertEqual(gray.luma.pixels, [1, 2, 3, 4, 5, 6])
    }

    func testSizeMismatchesAreErrorsNamingTheFrame() throws {
        let decoder = try FrameDecoder(sourceName: "/dev/video0")
        let cases: [(CapturedFrame, String)] = [
            (frame(.yuyv(range: .limited), [UInt8](repeating: 0, count: 15), width: 4, height: 2),
             "/dev/video0 frame 17: YUYV 4x2 needs 16 bytes, got 15"),
            (frame(.planarYUV(chromaWidth: 2, chromaHeight: 1, range: .limited), [UInt8](repeating: 0, count: 11),
                   width: 4, height: 2),
             "/dev/video0 frame 17: planar YUV 4x2 with 2x1 chroma needs 12 bytes, got 11"),
            (frame(.gray, [1, 2, 3], width: 2, height: 2), "/dev/video0 frame 17: grey 2x2 needs 4 bytes, got 3"),
            (frame(.gray, [], width: 0, height: 0), "/dev/video0 frame 17: frame size 0x0 is not valid"),
            (frame(.planarYUV(chromaWidth: 9, chromaHeight: 1, range: .limited), [UInt8](repeating: 0, count: 26),
                   width: 4, height: 2),
             "/dev/video0 frame 17: planar YUV 4x2 with 9x1 chroma needs 26 bytes, got 26"),
        ]
        for (bad, message) in cases {
            XCTAssertThrowsError(try decoder.decode(bad)) { error in
                XCTAssertEqual("\(error)", message)
                XCTAssertEqual((error as? FrameDecodeError)?.frame, 17)
            }
        }
        // Padded YUYV rows (bytesperline > width × 2) are accepted.
        let padded = [UInt8](repeating: 128, count: 2 * 12)
        XCTAssertEqual(try decoder.decode(frame(.yuyv(range: .limited), padded, width: 4, height: 2)).width, 4)
    }

    func testCorruptJPEGErrorNamesSourceAndFrame() throws {
        let decoder = try FrameDecoder(sourceName: "clip.mjpeg")
        let bad: [UInt8] = [0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x03, 0x00, 0xFF, 0xD9]
        XCTAssertThrowsError(try decoder.decode(frame(.jpeg, bad, width: 0, height: 0))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("clip.mjpeg frame 17: corrupt JPEG data: "), text)
            XCTAssertFalse(text.contains("\n"))
        }
        XCTAssertThrowsError(try decoder.decode(frame(.png, [0x89, 0x50], width: 0, height: 0))) { error in
            XCTAssertTrue("\(error)".hasPrefix("clip.mjpeg frame 17: "), "\(error)")
        }
        // Still usable afterwards.
        let jpeg = try JPEGEncoder.encode(try Image(width: 8, height: 8, format: .gray8, fill: 90))
        XCTAssertTrue(try decoder.decode(frame(.jpeg, jpeg, width: 8, height: 8)).isGray)
    }
}

final class FrameBufferAllocatorTests: XCTestCase {
    func testGlibcAcceptsTheSettings() throws {
        // Under AddressSanitizer (./dev.sh sanitize) malloc is ASan's, which has no mallopt settings.
        try XCTSkipIf(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") != nil,
                      "skipped: AddressSanitizer's allocator replaces glibc's")
        XCTAssertTrue(FrameBufferAllocator.retainFreedFrameBuffers())
    }
}
