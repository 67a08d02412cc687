import CTurboJPEG
import Foundation
import Imaging
import TestSupport
import XCTest

/// Timings of the per-frame decode and conversion. Runs only with FER_LIVE_BENCH=1 in a release build:
/// `FER_LIVE_BENCH=1 swift test -c release --skip-build --filter YUVBenchmarks`; prints medians.
final class YUVBenchmarks: XCTestCase {
    private func median(_ label: String, runs: Int = 100, _ body: () throws -> Void) rethrows {
        try BenchmarkTiming.median(label, runs: runs, body)
    }

    func testTimings() throws {
        guard ProcessInfo.processInfo.environment["FER_LIVE_BENCH"] == "1" else {
            throw XCTSkip("skipped: set FER_LIVE_BENCH=1 to run the YUV timings")
        }
        let photo = try ImageCodec.decode(fileAt: TestImages.fixture("two_people.jpg"), as: .rgb8)
        let decoder = try JPEGYUVDecoder()
        for (w, h, outW, outH) in [(640, 480, 320, 240), (1280, 720, 320, 180), (1920, 1080, 320, 180)] {
            let frame = photo.resized(width: w, height: h)
            for (name, sampling) in [("4:2:0", TJSAMP_420), ("4:2:2", TJSAMP_422)] {
                let jpeg = try YUVConversionTests.jpeg(frame, subsampling: sampling, quality: 85)
                let label = "\(w)x\(h) q85 \(name)"
                try median("JPEG -> YUV planes \(label)") { _ = try decoder.decode(jpeg) }
                try median("JPEG -> RGB (ImageCodec) \(label)") { _ = try ImageCodec.decode(data: jpeg, as: .rgb8) }
                let yuv = try decoder.decode(jpeg)
                median("YUV \(name) -> rgb \(outW)x\(outH) from \(w)x\(h)", runs: 200) { _ = yuv.rgb(width: outW, height: outH) }
                median("YUV \(name) -> rgb() full \(w)x\(h)", runs: 50) { _ = yuv.rgb() }
            }
            let yuyv = [UInt8](repeating: 128, count: w * h * 2)
            try median("YUYV -> YUV 4:2:2 \(w)x\(h)", runs: 200) {
                _ = try yuyv.withUnsafeBytes { try YUVImage(yuyv: $0, width: w, height: h, range: .limited) }
            }
            let planar = [UInt8](repeating: 128, count: w * h * 3 / 2)
            try median("planar 4:2:0 -> YUV (copy of a shared array) \(w)x\(h)", runs: 200) {
                _ = try YUVImage(planar: planar, width: w, height: h, chromaWidth: w / 2, chromaHeight: h / 2, range: .limited)
            }
        }
    }
}
