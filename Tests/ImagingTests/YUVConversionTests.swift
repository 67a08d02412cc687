import CTurboJPEG
import Foundation
import Imaging
import TestSupport
import XCTest

/// YUVImage construction (JPEG planes, YUYV, planar, grey, RGB) and conversion back to RGB.
final class YUVConversionTests: XCTestCase {
    // MARK: Helpers

    /// Flat colour patches, 16 px each, in a 4x2 grid (64x32).
    static let patchColors: [RGB] = [
        RGB(r: 255, g: 0, b: 0), RGB(r: 0, g: 255, b: 0), RGB(r: 0, g: 0, b: 255), RGB(r: 255, g: 255, b: 255),
        RGB(r: 0, g: 0, b: 0), RGB(r: 128, g: 128, b: 128), RGB(r: 255, g: 200, b: 40), RGB(r: 30, g: 120, b: 200),
    ]

    static func patches() -> Image {
        TestImages.make(64, 32, .rgb8) { x, y, c in
            let color = patchColors[(y / 16) * 4 + x / 16]
            return [color.r, color.g, color.b][c]
        }
    }

    /// A JPEG of `image` with a chosen turbojpeg subsampling.
    static func jpeg(_ image: Image, subsampling: TJSAMP, quality: Int32 = 95) throws -> [UInt8] {
        let handle = try XCTUnwrap(tjInitCompress())
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let format = image.format == .gray8 ? TJPF_GRAY : TJPF_RGB
        let status = image.withUnsafePixels { src in
            tjCompress2(handle, src.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(format.rawValue),
                        &output, &size, Int32(subsampling.rawValue), quality, 0)
        }
        XCTAssertEqual(status, 0, "tjCompress2 failed")
        defer { tjFree(output) }
        return Array(UnsafeBufferPointer(start: try XCTUnwrap(output), count: Int(size)))
    }

    func assertClose(_ actual: RGB, _ expected: RGB, tolerance: Int, _ message: String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
        let d = max(abs(Int(actual.r) - Int(expected.r)), abs(Int(actual.g) - Int(expected.g)),
                    abs(Int(actual.b) - Int(expected.b)))
        XCTAssertLessThanOrEqual(d, tolerance, "\(message): got \(actual), expected \(expected)", file: file, line: line)
    }

    // MARK: JPEG → planes

    func testJPEGKeepsNativeSubsamplingAndColours() throws {
        let image = Self.patches()
        let decoder = try JPEGYUVDecoder()
        let cases: [(TJSAMP, Int, Int)] = [(TJSAMP_420, 32, 16), (TJSAMP_422, 32, 32), (TJSAMP_444, 64, 32),
                                           (TJSAMP_440, 64, 16)]
        for (subsampling, cw, ch) in cases {
            let bytes = try Self.jpeg(image, subsampling: subsampling)
            let yuv = try decoder.decode(bytes, name: "patches")
            XCTAssertEqual(yuv.width, 64)
            XCTAssertEqual(yuv.height, 32)
            XCTAssertEqual(yuv.chromaWidth, cw, "\(subsampling)")
            XCTAssertEqual(yuv.chromaHeight, ch, "\(subsampling)")
            XCTAssertEqual(yuv.range, .full)
            let rgb = yuv.rgb()
            for (i, color) in Self.patchColors.enumerated() {
                let x = (i % 4) * 16 + 8, y = (i / 4) * 16 + 8
                assertClose(rgb.pixel(x: x, y: y), color, tolerance: 6, "patch \(i) \(subsampling)")
            }
            // Same result as turbojpeg's own RGB decode, within rounding (its upsampling is the same triangle filter).
            let reference = try ImageCodec.decode(data: bytes, as: .rgb8)
            XCTAssertLessThan(TestImages.meanAbsoluteDifference(rgb, reference), 0.6, "\(subsampling)")
            XCTAssertLessThanOrEqual(TestImages.maximumDifference(rgb, reference), 4, "\(subsampling)")
        }
    }

    func testGreyJPEGHasNoChroma() throws {
        let gray = TestImages.make(40, 24, .gray8) { x, y, _ in UInt8((x * 6 + y * 3) % 256) }
        let yuv = try JPEGYUVDecoder().decode(try Self.jpeg(gray, subsampling: TJSAMP_GRAY, quality: 100))
        XCTAssertTrue(yuv.isGray)
        XCTAssertEqual(yuv.chromaWidth, 0)
        XCTAssertEqual(yuv.cb.count, 0)
        XCTAssertLessThanOrEqual(TestImages.maximumDifference(yuv.luma, gray), 2)
        let rgb = yuv.rgb()
        XCTAssertEqual(rgb.pixel(x: 10, y: 5).r, rgb.pixel(x: 10, y: 5).g)
        XCTAssertEqual(rgb.pixel(x: 10, y: 5).r, yuv.luma.pixel(x: 10, y: 5).r)
    }

    /// Odd sizes make turbojpeg pad the luma plane; the luma image must still be exactly width × height.
    func testOddSizedJPEGGivesExactLuma() throws {
        let image = TestImages.noise(33, 17, .rgb8)
        let bytes = try Self.jpeg(image, subsampling: TJSAMP_420)
        let yuv = try JPEGYUVDecoder().decode(bytes)
        XCTAssertEqual(yuv.luma.width, 33)
        XCTAssertEqual(yuv.luma.height, 17)
        XCTAssertEqual(yuv.luma.pixels.count, 33 * 17)
        XCTAssertEqual(yuv.chromaWidth, 17)
        XCTAssertEqual(yuv.chromaHeight, 9)
        let gray = try ImageCodec.decode(data: bytes, as: .gray8)
        XCTAssertEqual(yuv.luma, gray, "turbojpeg's grey decode is the Y plane")
    }

    func testUnusualSubsamplingFallsBackToRGB() throws {
        let image = Self.patches()
        let bytes = try Self.jpeg(image, subsampling: TJSAMP_411)
        let yuv = try JPEGYUVDecoder().decode(bytes)
        XCTAssertEqual(yuv.chromaWidth, 64, "4:1:1 is converted to 4:4:4")
        XCTAssertEqual(yuv.chromaHeight, 32)
        let reference = try ImageCodec.decode(data: bytes, as: .rgb8)
        XCTAssertLessThanOrEqual(TestImages.maximumDifference(yuv.rgb(), reference), 3)
    }

    func testCorruptJPEGThrowsNamingTheFrame() throws {
        let decoder = try JPEGYUVDecoder()
        XCTAssertThrowsError(try decoder.decode([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 1, 2, 3], name: "cam frame 3")) { error in
            XCTAssertTrue("\(error)".hasPrefix("cam frame 3: corrupt or truncated JPEG data"), "\(error)")
        }
        XCTAssertThrowsError(try decoder.decode([], name: "x")) { error in
            XCTAssertEqual(error as? ImagingError, .emptyFile(name: "x"))
        }
        // The decoder is still usable after an error, including one that leaves libjpeg mid-segment.
        XCTAssertNoThrow(try decoder.decode(try Self.jpeg(Self.patches(), subsampling: TJSAMP_420)))
        XCTAssertThrowsError(try decoder.decode([0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x03, 0x00, 0xFF, 0xD9]))
        XCTAssertEqual(try decoder.decode(try Self.jpeg(Self.patches(), subsampling: TJSAMP_422)).chromaHeight, 32)
    }

    func testTruncatedJPEGIsDecodedWithAWarning() throws {
        let bytes = try Self.jpeg(TestImages.noise(64, 64, .rgb8), subsampling: TJSAMP_420)
        let decoder = try JPEGYUVDecoder()
        let yuv = try decoder.decode(Array(bytes.prefix(bytes.count * 2 / 3)))
        XCTAssertEqual(yuv.width, 64)
        XCTAssertNotNil(decoder.lastWarning)
        _ = try decoder.decode(bytes)
        XCTAssertNil(decoder.lastWarning)
    }

    /// On a real photo the YUV path matches turbojpeg's RGB decode (4:2:0, 4:2:2, 4:4:4 made by ffmpeg).
    func testRealPhotoAgreesWithRGBDecode() throws {
        _ = try TestImages.requireFFmpeg()
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let decoder = try JPEGYUVDecoder()
        for pixelFormat in ["yuvj420p", "yuvj422p", "yuvj444p", "gray"] {
            let path = directory.appendingPathComponent("\(pixelFormat).jpg").path
            try TestImages.runFFmpeg(["-i", TestImages.fixture("two_people.jpg"), "-vf", "scale=640:480",
                                      "-pix_fmt", pixelFormat, "-q:v", "3", path])
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let yuv = try decoder.decode(bytes, name: path)
            XCTAssertEqual(yuv.width, 640)
            XCTAssertEqual(yuv.height, 480)
            let reference = try ImageCodec.decode(data: bytes, as: .rgb8)
            let full = yuv.rgb()
            XCTAssertLessThan(TestImages.meanAbsoluteDifference(full, reference), 0.7, pixelFormat)
            XCTAssertLessThanOrEqual(TestImages.maximumDifference(full, reference), 6, pixelFormat)
            // The one-pass reduced image matches reducing the RGB decode (on average: at colour edges the
            // two differ by up to ~20 because chroma is resampled from its own plane, not from upsampled chroma).
            for (w, h) in [(320, 240), (160, 120), (200, 150)] {
                let small = yuv.rgb(width: w, height: h)
                XCTAssertEqual(small.width, w)
                XCTAssertEqual(small.height, h)
                let expected = reference.resized(width: w, height: h)
                XCTAssertLessThan(TestImages.meanAbsoluteDifference(small, expected), 1.0, "\(pixelFormat) \(w)x\(h)")
                XCTAssertLessThanOrEqual(TestImages.maximumDifference(small, expected), 24, "\(pixelFormat) \(w)x\(h)")
            }
        }
    }

    // MARK: Raw layouts

    /// BT.601 limited-range codes of primary colours.
    static let limitedCodes: [(y: UInt8, cb: UInt8, cr: UInt8, rgb: RGB)] = [
        (81, 90, 240, RGB(r: 255, g: 0, b: 0)), (145, 54, 34, RGB(r: 0, g: 255, b: 0)),
        (41, 240, 110, RGB(r: 0, g: 0, b: 255)), (235, 128, 128, RGB(r: 255, g: 255, b: 255)),
        (16, 128, 128, RGB(r: 0, g: 0, b: 0)), (126, 128, 128, RGB(r: 128, g: 128, b: 128)),
    ]

    func testYUYVSplitsAndConvertsLimitedRange() throws {
        // 12x2: each colour covers one pixel pair in both rows.
        var bytes = [UInt8]()
        for _ in 0..<2 {
            for code in Self.limitedCodes { bytes += [code.y, code.cb, code.y, code.cr] }
        }
        let yuv = try bytes.withUnsafeBytes { try YUVImage(yuyv: $0, width: 12, height: 2, range: .limited) }
        XCTAssertEqual(yuv.chromaWidth, 6)
        XCTAssertEqual(yuv.chromaHeight, 2)
        XCTAssertEqual(yuv.cb, Self.limitedCodes.map(\.cb) + Self.limitedCodes.map(\.cb))
        XCTAssertEqual(Array(yuv.luma.pixels.prefix(4)), [81, 81, 145, 145])
        let rgb = yuv.rgb()
        for (i, code) in Self.limitedCodes.enumerated() {
            // Bilinear chroma mixes neighbours at pair edges; the pair's own chroma sits between its two pixels.
            let own = try bytes.withUnsafeBytes { raw -> RGB in
                let single = try YUVImage(yuyv: UnsafeRawBufferPointer(rebasing: raw[(i * 4)..<(i * 4 + 4)]),
                                          width: 2, height: 1, range: .limited)
                return single.rgb().pixel(x: 0, y: 0)
            }
            assertClose(own, code.rgb, tolerance: 2, "colour \(i)")
            XCTAssertEqual(rgb.pixel(x: 2 * i, y: 0).r > 128, code.rgb.r > 128, "colour \(i) red channel in the strip")
        }
    }

    func testYUYVWithPaddedRowsAndOddWidth() throws {
        // 3x2 frame: 2 pairs per row (the last pair's second Y is padding), rows padded to 12 bytes.
        let row0: [UInt8] = [10, 100, 20, 200, 30, 101, 99, 201, 0xEE, 0xEE, 0xEE, 0xEE]
        let row1: [UInt8] = [40, 102, 50, 202, 60, 103, 99, 203, 0xEE, 0xEE, 0xEE, 0xEE]
        let yuv = try (row0 + row1).withUnsafeBytes {
            try YUVImage(yuyv: $0, width: 3, height: 2, rowStride: 12, range: .full)
        }
        XCTAssertEqual(yuv.luma.pixels, [10, 20, 30, 40, 50, 60])
        XCTAssertEqual(yuv.cb, [100, 101, 102, 103])
        XCTAssertEqual(yuv.cr, [200, 201, 202, 203])
        XCTAssertThrowsError(try [UInt8](repeating: 0, count: 10).withUnsafeBytes {
            try YUVImage(yuyv: $0, width: 4, height: 2, range: .full)
        })
    }

    func testPlanar420FullAndLimitedRange() throws {
        // 4x2 luma, 2x1 chroma: left half red, right half blue (full-range JFIF codes).
        let y: [UInt8] = [76, 76, 29, 29, 76, 76, 29, 29]
        let cb: [UInt8] = [85, 255], cr: [UInt8] = [255, 107]
        let full = try YUVImage(planar: y + cb + cr, width: 4, height: 2, chromaWidth: 2, chromaHeight: 1, range: .full)
        XCTAssertEqual(full.luma.pixels, y)
        XCTAssertEqual(full.cb, cb)
        XCTAssertEqual(full.cr, cr)
        let rgb = full.rgb()
        assertClose(rgb.pixel(x: 0, y: 0), RGB(r: 254, g: 0, b: 0), tolerance: 3, "red")
        assertClose(rgb.pixel(x: 3, y: 1), RGB(r: 0, g: 0, b: 254), tolerance: 3, "blue")

        // The same codes read as limited range come out different; white and black codes show the range.
        let white: [UInt8] = [235, 235, 235, 235, 128, 128]
        let limited = try YUVImage(planar: white, width: 2, height: 2, chromaWidth: 1, chromaHeight: 1, range: .limited)
        let fullWhite = try YUVImage(planar: white, width: 2, height: 2, chromaWidth: 1, chromaHeight: 1, range: .full)
        XCTAssertEqual(limited.rgb().pixel(x: 0, y: 0), RGB(r: 255, g: 255, b: 255))
        XCTAssertEqual(fullWhite.rgb().pixel(x: 0, y: 0), RGB(r: 235, g: 235, b: 235))
        let black: [UInt8] = [16, 16, 16, 16, 128, 128]
        XCTAssertEqual(try YUVImage(planar: black, width: 2, height: 2, chromaWidth: 1, chromaHeight: 1,
                                    range: .limited).rgb().pixel(x: 1, y: 1), RGB(r: 0, g: 0, b: 0))
        XCTAssertThrowsError(try YUVImage(planar: white + [0], width: 2, height: 2, chromaWidth: 1, chromaHeight: 1,
                                          range: .full))
    }

    func testGrayFrameRanges() throws {
        let limited = try YUVImage(gray: [16, 126, 235, 255], width: 2, height: 2, range: .limited)
        XCTAssertTrue(limited.isGray)
        XCTAssertEqual(limited.rgb().pixels, [0, 0, 0, 128, 128, 128, 255, 255, 255, 255, 255, 255])
        let full = try YUVImage(gray: [16, 126, 235, 255], width: 2, height: 2, range: .full)
        XCTAssertEqual(full.rgb().pixels, [16, 16, 16, 126, 126, 126, 235, 235, 235, 255, 255, 255])
        XCTAssertEqual(full.rgb(width: 1, height: 1).pixels.count, 3)
        XCTAssertThrowsError(try YUVImage(gray: [1, 2, 3], width: 2, height: 2, range: .full))
    }

    func testRGBRoundTrip() throws {
        let image = TestImages.noise(37, 23, .rgb8)
        let yuv = YUVImage(rgb: image)
        XCTAssertEqual(yuv.chromaWidth, 37)
        XCTAssertEqual(yuv.range, .full)
        XCTAssertLessThanOrEqual(TestImages.maximumDifference(yuv.rgb(), image), 2)
        // Luma equals the RGB→grey conversion within rounding.
        XCTAssertLessThanOrEqual(TestImages.maximumDifference(yuv.luma, image.converted(to: .gray8)), 1)
        for color in Self.patchColors {
            let flat = try Image(width: 4, height: 4, format: .rgb8, color: color)
            assertClose(YUVImage(rgb: flat).rgb().pixel(x: 1, y: 1), color, tolerance: 1, "round trip")
        }
    }

    /// Downscaling more than 2x averages (no aliasing): a 1-pixel checkerboard becomes flat grey.
    func testReductionAverages() throws {
        let board = TestImages.make(64, 64, .rgb8) { x, y, _ in (x + y) % 2 == 0 ? 255 : 0 }
        let rgb = YUVImage(rgb: board).rgb(width: 8, height: 8)
        for v in rgb.pixels { XCTAssertEqual(Int(v), 128, accuracy: 2) }
    }
}
