import Foundation

/// Programs some tests run (Debian's ffmpeg), found on PATH.
public enum ExternalTools {
    /// The ffmpeg executable, or nil.
    public static let ffmpeg: String? = {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for dir in dirs + ["/usr/bin", "/usr/local/bin"] {
            let path = "\(dir)/ffmpeg"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }()

    /// The message of a test that skips for lack of ffmpeg.
    public static func missingFFmpeg(_ purpose: String) -> String { "skipped: needs ffmpeg on PATH to \(purpose)" }
}

/// Timing helper for the opt-in benchmark tests.
public enum BenchmarkTiming {
    /// Runs `body` `runs` times and prints the median and the fastest time in milliseconds.
    public static func median(_ label: String, runs: Int, _ body: () throws -> Void) rethrows {
        var times = [Double]()
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        print(String(format: "BENCH %-48@ median %.3f ms  (min %.3f)", label as NSString, times[runs / 2], times[0]))
    }
}
