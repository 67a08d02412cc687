import Foundation
import Imaging
import TestSupport
import XCTest

final class DecodeTests: XCTestCase {
    func testJPEGFixturesHaveKnownDimensions() throws {
        // Dimensions from ffprobe.
        let expected: [(String, Int, Int)] = [
            ("kit_with_rose.jpg", 501, 700), ("obama_and_biden.jpg", 2000, 1428), ("two_people.jpg", 1126, 661),
        ]
        for (name, width, height) in expected {
            for format in [PixelFormat.rgb8, .gray8] {
                let image = try ImageCodec.decode(fileAt: TestImages.fixture(name), as: format)
                XCTAssertEqual(image.width, width, name)
                XCTAssertEqual(image.height, height, name)
                XCTAssertEqual(image.format, format)
                XCTAssertEqual(image.pixels.count, width * height * format.channels)
            }
        }
    }

    func testJPEGDecodeMatchesFFmpeg() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = TestImages.fixture("kit_with_rose.jpg")
        let ours = try ImageCodec.decode(fileAt: path, as: .rgb8)
        let reference = try Image(width: 501, height: 700, format: .rgb8,
                                  pixels: TestImages.ffmpegRaw(path, pixelFormat: "rgb24", in: dir))
        // Different IDCTs: allow small differences, but channel order or layout bugs would be huge.
        XCTAssertLessThan(TestImages.meanAbsoluteDifference(ours, reference), 1.0)
    }

    func testGrayJPEGDecodeIsLumaOfColourDecode() throws {
        let path = TestImages.fixture("two_people.jpg")
        let gray = try ImageCodec.decode(fileAt: path, as: .gray8)
        let converted = try ImageCodec.decode(fileAt: path, as: .rgb8).converted(to: .gray8)
        XCTAssertLessThan(TestImages.meanAbsoluteDifference(gray, converted), 1.0)
    }

    func testPNGFixtureMatchesFFmpegDecodeExactly() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = TestImages.fixture("kit_with_rose_small.png")
        let image = try ImageCodec.decode(fileAt: path, as: .rgb8)
        XCTAssertEqual(image.width, 160)
        XCTAssertEqual(image.height, 224)
        XCTAssertEqual(image.pixels, try TestImages.ffmpegRaw(path, pixelFormat: "rgb24", in: dir))
    }

    func testPNGFixtureLooksLikeTheJPEGItWasMadeFrom() throws {
        let png = try ImageCodec.decode(fileAt: TestImages.fixture("kit_with_rose_small.png"), as: .rgb8)
        let jpeg = try ImageCodec.decode(fileAt: TestImages.fixture("kit_with_rose.jpg"), as: .rgb8)
            .resized(width: png.width, height: png.height)
        // ffmpeg scaled with bicubic, we with area averaging: close but not equal.
        XCTAssertLessThan(TestImages.meanAbsoluteDifference(png, jpeg), 4.0)
        let gray = try ImageCodec.decode(fileAt: TestImages.fixture("kit_with_rose_small.png"), as: .gray8)
        XCTAssertEqual(gray, png.converted(to: .gray8), "colour PNG → grey must use the BT.601 integer luma")
    }

    /// Known raw pixels → PNG in several encodings (by ffmpeg) → our decoder.
    func testPNGEncodingsFromKnownPixels() throws {
        _ = try TestImages.requireFFmpeg()
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = TestImages.noise(13, 7, .rgb8)

        for (format, name) in [("rgb24", "8-bit RGB"), ("pal8", "palette"), ("rgba", "RGBA (opaque)")] {
            let png = try TestImages.ffmpegPNG(raw: source.pixels, rawFormat: "rgb24", width: 13, height: 7,
                                               outputFormat: format, in: dir)
            let decoded = try ImageCodec.decode(fileAt: png, as: .rgb8)
            let reference = try TestImages.ffmpegRaw(png, pixelFormat: "rgb24", in: dir)
            XCTAssertEqual(decoded.pixels, reference, name)
            if format != "pal8" { XCTAssertEqual(decoded, source, name) }
        }

        // Grey sources decode to the same grey, and replicate into RGB.
        let graySource = TestImages.noise(9, 5, .gray8, seed: 99)
        let grayPNG = try TestImages.ffmpegPNG(raw: graySource.pixels, rawFormat: "gray", width: 9, height: 5,
                                               outputFormat: "gray", in: dir)
        XCTAssertEqual(try ImageCodec.decode(fileAt: grayPNG, as: .gray8), graySource)
        XCTAssertEqual(try ImageCodec.decode(fileAt: grayPNG, as: .rgb8), graySource.converted(to: .rgb8))
    }

    func testSixteenBitPNGScalesToEightBit() throws {
        _ = try TestImages.requireFFmpeg()
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = TestImages.noise(11, 6, .rgb8, seed: 7)
        // 16-bit big-endian samples v·257 (+ a small offset that must round away).
        var raw = [UInt8]()
        for (i, v) in source.pixels.enumerated() {
            let sample = UInt16(v) * 257 &+ UInt16(i % 3 == 0 && v < 255 ? 60 : 0)
            raw.append(UInt8(sample >> 8)); raw.append(UInt8(sample & 0xFF))
        }
        for outputFormat in ["rgb48be", "gray16be"] {
            let png = try TestImages.ffmpegPNG(raw: raw, rawFormat: "rgb48be", width: 11, height: 6,
                                               outputFormat: outputFormat, in: dir)
            let format: PixelFormat = outputFormat == "rgb48be" ? .rgb8 : .gray8
            let decoded = try ImageCodec.decode(fileAt: png, as: format)
            let expected = format == .rgb8 ? source : try Image(
                width: 11, height: 6, format: .gray8,
                pixels: TestImages.ffmpegRaw(png, pixelFormat: "gray", in: dir))
            // Treating 16-bit data as linear light would brighten mid-tones by ~60 levels.
            XCTAssertLessThanOrEqual(TestImages.maximumDifference(decoded, expected), 1, outputFormat)
        }
    }

    func testAlphaIsCompositedOnBlack() throws {
        _ = try TestImages.requireFFmpeg()
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Three pixels of (200, 100, 50): opaque, transparent, half transparent.
        let raw: [UInt8] = [200, 100, 50, 255, 200, 100, 50, 0, 200, 100, 50, 128]
        for format in ["rgba", "ya8"] {
            let png = try TestImages.ffmpegPNG(raw: raw, rawFormat: "rgba", width: 3, height: 1,
                                               outputFormat: format, in: dir)
            let image = try ImageCodec.decode(fileAt: png, as: .rgb8)
            let opaque = image.pixel(x: 0, y: 0), clear = image.pixel(x: 1, y: 0), half = image.pixel(x: 2, y: 0)
            if format == "rgba" { XCTAssertEqual(opaque, RGB(r: 200, g: 100, b: 50)) }
            XCTAssertEqual(clear, .black, format)
            XCTAssertGreaterThan(half.r, 0, format)
            XCTAssertLessThan(half.r, opaque.r, format)
        }
    }

    func testOnePixelImages() throws {
        _ = try TestImages.requireFFmpeg()
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let png = try TestImages.ffmpegPNG(raw: [10, 200, 30], rawFormat: "rgb24", width: 1, height: 1,
                                           outputFormat: "rgb24", in: dir)
        let image = try ImageCodec.decode(fileAt: png, as: .rgb8)
        XCTAssertEqual(image.width, 1)
        XCTAssertEqual(image.height, 1)
        XCTAssertEqual(image.pixel(x: 0, y: 0), RGB(r: 10, g: 200, b: 30))
        XCTAssertEqual(try ImageCodec.decode(fileAt: png, as: .gray8).pixels, [RGB(r: 10, g: 200, b: 30).luma])
    }

    func testDetectsFormatByContentNotExtension() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let misnamed = dir.appendingPathComponent("photo.png")
        try FileManager.default.copyItem(atPath: TestImages.fixture("kit_with_rose.jpg"), toPath: misnamed.path)
        let image = try ImageCodec.decode(fileAt: misnamed.path, as: .rgb8)
        XCTAssertEqual(image.width, 501)
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestImages.fixture("kit_with_rose_small.png"))))
        XCTAssertEqual(data.withUnsafeBytes { ImageCodec.fileType(of: $0) }, .png)
        XCTAssertEqual(try ImageCodec.decode(data: data, as: .gray8, name: "x.jpg").width, 160)
    }
}
