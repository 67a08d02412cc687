import Detection
import Foundation
import Imaging
import TestSupport
import XCTest

/// MTCNN's time per frame. Runs only with FER_LIVE_BENCH=1, on a release build with one BLAS thread:
/// `OPENBLAS_NUM_THREADS=1 FER_LIVE_BENCH=1 swift test -c release --skip-build --filter MTCNNBenchmarks`.
final class MTCNNBenchmarks: XCTestCase {
    func testTimePerFrame() throws {
        guard ProcessInfo.processInfo.environment["FER_LIVE_BENCH"] == "1" else {
            throw XCTSkip("skipped: set FER_LIVE_BENCH=1 to run the MTCNN timings")
        }
        let detector = try MTCNNDetector(models: MTCNNDetectorTests.models)
        let runs = Int(ProcessInfo.processInfo.environment["FER_LIVE_BENCH_RUNS"] ?? "") ?? 30
        var frames: [(String, Image)] = []
        for name in ["two_people.jpg", "obama_and_biden.jpg", "kit_with_rose.jpg"] {
            let photo = try ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent(name).path, as: .rgb8)
            frames.append(("\(name) \(photo.width)x\(photo.height)", photo))
            frames.append(("\(name) at 640x480", photo.resized(width: 640, height: 480)))
        }
        frames.append(("blank 640x480", try Image(width: 640, height: 480, format: .rgb8, fill: 128)))
        for (label, frame) in frames {
            let faces = try detector.detect(in: frame).count  // also prepares the sessions for this size
            try BenchmarkTiming.median("mtcnn \(label) (\(faces) faces)", runs: frame.width * frame.height > 640 * 480 ? max(runs / 3, 3) : runs) {
                _ = try detector.detect(in: frame)
            }
        }
    }
}
