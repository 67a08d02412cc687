import Foundation
import Imaging
import TestSupport
import XCTest

/// Helpers shared by the Imaging tests: fixtures, ffmpeg, synthetic images, PNG chunk patching.
enum TestImages {
    static func fixture(_ name: String) -> String {
        TestPaths.fixtures.appendingPathComponent(name).path
    }

    /// An image whose bytes come from `value(x, y, channel)`.
    static func make(_ width: Int, _ height: Int, _ format: PixelFormat,
                     _ value: (Int, Int, Int) -> UInt8) -> Image {
        var bytes = [UInt8]()
        bytes.reserveCapacity(width * height * format.channels)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<format.channels { bytes.append(value(x, y, c)) }
            }
        }
        return try! Image(width: width, height: height, format: format, pixels: bytes)
    }

    /// Deterministic pseudo-random bytes (xorshift).
    static func noise(_ width: Int, _ height: Int, _ format: PixelFormat, seed: UInt32 = 12345) -> Image {
        var state = seed
        return make(width, height, format) { _, _, _ in
            state ^= state << 13; state ^= state >> 17; state ^= state << 5
            return UInt8(truncatingIfNeeded: state >> 8)
        }
    }

    /// Mean absolute difference of two same-shaped images.
    static func meanAbsoluteDifference(_ a: Image, _ b: Image) -> Double {
        precondition(a.width == b.width && a.height == b.height && a.format == b.format)
        var total = 0
        for i in 0..<a.pixels.count { total += abs(Int(a.pixels[i]) - Int(b.pixels[i])) }
        return Double(total) / Double(a.pixels.count)
    }

    static func maximumDifference(_ a: Image, _ b: Image) -> Int {
        precondition(a.pixels.count == b.pixels.count)
        var worst = 0
        for i in 0..<a.pixels.count { worst = max(worst, abs(Int(a.pixels[i]) - Int(b.pixels[i]))) }
        return worst
    }

    // MARK: ffmpeg

    /// The ffmpeg executable, or nil (tests that need it skip).
    static var ffmpeg: String? { ExternalTools.ffmpeg }

    static func requireFFmpeg() throws -> String {
        guard let ffmpeg else { throw XCTSkip(ExternalTools.missingFFmpeg("make reference PNGs")) }
        return ffmpeg
    }

    /// Runs ffmpeg with `arguments` (after `-v error -y`), failing the test on a non-zero exit.
    static func runFFmpeg(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requireFFmpeg())
        process.arguments = ["-nostdin", "-v", "error", "-y"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            XCTFail("ffmpeg \(arguments.joined(separator: " ")) failed: \(String(decoding: message, as: UTF8.self))",
                    file: file, line: line)
            throw XCTSkip("ffmpeg failed")
        }
    }

    /// ffmpeg's own decode of an image file to raw bytes in `pixelFormat` ("rgb24", "gray").
    static func ffmpegRaw(_ path: String, pixelFormat: String, in directory: URL) throws -> [UInt8] {
        let out = directory.appendingPathComponent(UUID().uuidString + ".raw").path
        try runFFmpeg(["-i", path, "-f", "rawvideo", "-pix_fmt", pixelFormat, out])
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
    }

    /// Writes raw bytes and has ffmpeg turn them into a PNG of `outputFormat`.
    static func ffmpegPNG(raw: [UInt8], rawFormat: String, width: Int, height: Int,
                          outputFormat: String, in directory: URL) throws -> String {
        let rawPath = directory.appendingPathComponent(UUID().uuidString + ".raw")
        try Data(raw).write(to: rawPath)
        let png = directory.appendingPathComponent(UUID().uuidString + ".png").path
        try runFFmpeg(["-f", "rawvideo", "-pix_fmt", rawFormat, "-s", "\(width)x\(height)",
                       "-i", rawPath.path, "-frames:v", "1", "-pix_fmt", outputFormat, png])
        return png
    }

    // MARK: PNG / JPEG patching

    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    /// A copy of a PNG whose IHDR declares `width` × `height` (CRC recomputed).
    static func pngWithHeaderSize(_ png: [UInt8], width: UInt32, height: UInt32) -> [UInt8] {
        var bytes = png
        // Signature (8) + length (4) + "IHDR" (4) → width at 16, height at 20, CRC after 13 data bytes at 29.
        precondition(Array(bytes[12..<16]) == Array("IHDR".utf8))
        func put(_ value: UInt32, at offset: Int) {
            for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(i))) }
        }
        put(width, at: 16)
        put(height, at: 20)
        put(crc32(bytes[12..<29]), at: 29)
        return bytes
    }

    /// A copy of a baseline JPEG whose SOF0 declares `width` × `height`.
    static func jpegWithFrameSize(_ jpeg: [UInt8], width: UInt16, height: UInt16) -> [UInt8] {
        var bytes = jpeg
        var i = 2
        while i + 9 < bytes.count {
            guard bytes[i] == 0xFF else { i += 1; continue }
            let marker = bytes[i + 1]
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            if marker == 0xC0 || marker == 0xC2 {
                bytes[i + 5] = UInt8(height >> 8); bytes[i + 6] = UInt8(height & 0xFF)
                bytes[i + 7] = UInt8(width >> 8); bytes[i + 8] = UInt8(width & 0xFF)
                return bytes
            }
            i += 2 + length
        }
        preconditionFailure("no SOF0/SOF2 marker found")
    }
}
