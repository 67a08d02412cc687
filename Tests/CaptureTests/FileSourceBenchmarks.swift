import Capture
import Foundation
import Imaging
import TestSupport
import XCTest

/// Per-frame cost of reading + decoding + making the detector input from real clips. Runs only with
/// FER_LIVE_BENCH=1 in a release build:
/// `FER_LIVE_BENCH=1 swift test -c release --skip-build --filter FileSourceBenchmarks`
/// (add FER_LIVE_BENCH_MALLOC=1 to run with `FrameBufferAllocator.retainFreedFrameBuffers()`).
final class FileSourceBenchmarks: XCTestCase {
    /// Minor page faults of this process so far.
    static func minorFaults() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_minflt
    }

    func testPerFrameCosts() throws {
        guard ProcessInfo.processInfo.environment["FER_LIVE_BENCH"] == "1" else {
            throw XCTSkip("skipped: set FER_LIVE_BENCH=1 to run the file-source timings")
        }
        guard let video = TestPaths.shared("media/pedestrians_1080p.mp4") else {
            throw XCTSkip(TestPaths.skipMessage("media/pedestrians_1080p.mp4"))
        }
        if ProcessInfo.processInfo.environment["FER_LIVE_BENCH_MALLOC"] == "1" {
            FrameBufferAllocator.retainFreedFrameBuffers()
            print("BENCH with FrameBufferAllocator.retainFreedFrameBuffers()")
        }
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (size, format, extra) in [("640x480", "mjpeg", ["-q:v", "5"]), ("1920x1080", "mjpeg", ["-q:v", "5"]),
                                      ("640x480", "yuv4mpegpipe", ["-pix_fmt", "yuv420p"]),
                                      ("1920x1080", "yuv4mpegpipe", ["-pix_fmt", "yuv420p"])] {
            let path = directory.appendingPathComponent("clip.\(format)").path
            try Clips.run(["-i", video.path, "-vf", "scale=\(size.replacingOccurrences(of: "x", with: ":"))"]
                          + extra + ["-f", format, path])
            let source = try FileSourceOpener.open(path)
            let decoder = try FrameDecoder(sourceName: path)
            let width = Int(size.split(separator: "x")[0])!, height = Int(size.split(separator: "x")[1])!
            let detectorHeight = 320 * height / width
            var read = [Double](), decode = [Double](), convert = [Double]()
            let faultsBefore = Self.minorFaults()
            while true {
                let t0 = MonotonicClock.now
                guard let frame = try source.next() else { break }
                let t1 = MonotonicClock.now
                let yuv = try decoder.decode(frame)
                let t2 = MonotonicClock.now
                _ = yuv.rgb(width: 320, height: detectorHeight)
                let t3 = MonotonicClock.now
                read.append(t1 - t0); decode.append(t2 - t1); convert.append(t3 - t2)
            }
            let faults = Double(Self.minorFaults() - faultsBefore) / Double(max(read.count, 1))
            func median(_ v: [Double]) -> String { String(format: "%.3f ms", v.sorted()[v.count / 2] * 1000) }
            print("BENCH \(size) \(format): \(read.count) frames; read \(median(read)), decode \(median(decode)), "
                  + "rgb 320x\(detectorHeight) \(median(convert)) (medians per frame); "
                  + String(format: "%.0f page faults per frame", faults))
        }
    }
}
