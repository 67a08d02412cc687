import Foundation
import Imaging
import TestSupport
import XCTest

/// Timings of the per-frame operations. Runs only with FER_LIVE_BENCH=1 (use a release build:
/// `FER_LIVE_BENCH=1 swift test -c release --filter ImagingBenchmarks`); prints medians.
final class ImagingBenchmarks: XCTestCase {
    private func median(_ label: String, runs: Int = 50, _ body: () throws -> Void) rethrows {
        try BenchmarkTiming.median(label, runs: runs, body)
    }

    func testTimings() throws {
        guard ProcessInfo.processInfo.environment["FER_LIVE_BENCH"] == "1" else {
            throw XCTSkip("skipped: set FER_LIVE_BENCH=1 to run the Imaging timings")
        }
        let path = TestImages.fixture("two_people.jpg")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        try median("decode two_people.jpg 1126x661 rgb") { _ = try ImageCodec.decode(data: bytes, as: .rgb8) }
        try median("decode two_people.jpg 1126x661 gray") { _ = try ImageCodec.decode(data: bytes, as: .gray8) }
        let photo = try ImageCodec.decode(data: bytes, as: .rgb8)

        let vga = photo.resized(width: 640, height: 480)
        median("resize rgb 640x480 -> 320x240", runs: 200) { _ = vga.resized(width: 320, height: 240) }
        var reused = try Image(width: 320, height: 240, format: .rgb8)
        median("resize(into:) rgb 640x480 -> 320x240", runs: 200) { vga.resize(into: &reused) }
        let hd = photo.resized(width: 1280, height: 720)
        median("resize rgb 1280x720 -> 320x180 (area)", runs: 100) { _ = hd.resized(width: 320, height: 180) }
        median("rgb -> gray 640x480", runs: 200) { _ = vga.converted(to: .gray8) }

        let input = vga.resized(width: 320, height: 240)
        var tensor = [Float](repeating: 0, count: 3 * 320 * 256)
        try tensor.withUnsafeMutableBufferPointer { buffer in
            try median("writePlanar 320x240 -> 3x256x320 bgr", runs: 500) {
                try input.writePlanar(into: buffer, width: 320, height: 256, order: .bgr)
            }
        }
        let box = Rect(x: 420, y: 120, width: 160, height: 190)
        try median("faceCrop 160x190 face -> 64x64 gray, rotated", runs: 500) {
            _ = try photo.faceCrop(box: box, leftEye: Point(x: 470, y: 190), rightEye: Point(x: 530, y: 200),
                                   margin: 0.1, outputWidth: 64, outputHeight: 64, format: .gray8)
        }
        let grayPhoto = photo.converted(to: .gray8)
        try median("faceCrop from gray 160x190 -> 64x64", runs: 500) {
            _ = try grayPhoto.faceCrop(box: box, margin: 0.1, outputWidth: 64, outputHeight: 64)
        }
        try median("JPEG encode 640x480 q90", runs: 50) { _ = try JPEGEncoder.encode(vga, quality: 90) }
        let frame = try JPEGEncoder.encode(vga, quality: 85)
        try median("decode 640x480 q85 4:2:0 rgb", runs: 100) { _ = try ImageCodec.decode(data: frame, as: .rgb8) }
        try median("decode 640x480 q85 4:2:0 gray", runs: 100) { _ = try ImageCodec.decode(data: frame, as: .gray8) }
    }
}
