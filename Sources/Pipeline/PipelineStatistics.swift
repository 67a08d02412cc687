import Capture
import Foundation
import Glibc

/// Counters and latencies of a running pipeline, safe to update from its stages and read from anywhere.
public final class PipelineStatistics: @unchecked Sendable {
    private let lock = NSLock()
    private var captured = 0
    private var analyzed = 0
    private var dropped = 0
    private var skipped = 0
    private var sourceSkipped = 0
    private var lastAnalyzed: Double?
    private var smoothedFPS = 0.0
    private var faces = 0
    private var tracksStarted = 0
    private var interval = Window()
    private var total = Window()

    /// Accumulators for one reporting window (and one for the whole run).
    private struct Window {
        var start = MonotonicClock.now
        var cpuStart = ProcessClock.cpuSeconds
        var frames = 0
        var latency = LatencyHistogram()
        var decode = 0.0, detect = 0.0, track = 0.0, classify = 0.0
        var detections = 0, classifications = 0
    }

    public init() {}

    /// A frame left the source.
    public func frameCaptured() { lock.withLock { captured += 1 } }
    /// Frames lost because a stage was behind.
    public func framesDropped(_ n: Int) { guard n > 0 else { return }; lock.withLock { dropped += n } }
    /// A frame was unusable (corrupt, truncated) and skipped.
    public func frameSkipped(_ n: Int = 1) { guard n > 0 else { return }; lock.withLock { skipped += n } }
    /// Frames the source itself skipped (corrupt or truncated), as the source counts them.
    public func setSourceSkipped(_ n: Int) { lock.withLock { sourceSkipped = n } }
    /// Tracks started so far.
    public func trackStarted(_ n: Int) { lock.withLock { tracksStarted += n } }

    /// A frame went all the way through analysis.
    public func frameAnalyzed(latency: Double, faces: Int, timings: StageTimings, detected: Bool) {
        lock.withLock {
            analyzed += 1
            let now = MonotonicClock.now
            if let last = lastAnalyzed, now > last {
                let instant = 1 / (now - last)
                smoothedFPS = smoothedFPS == 0 ? instant : smoothedFPS + 0.1 * (instant - smoothedFPS)
            }
            lastAnalyzed = now
            self.faces = faces
            for w in [\PipelineStatistics.interval, \PipelineStatistics.total] {
                self[keyPath: w].frames += 1
                self[keyPath: w].latency.record(latency)
                self[keyPath: w].decode += timings.decode
                self[keyPath: w].detect += timings.detect
                self[keyPath: w].track += timings.track
                self[keyPath: w].classify += timings.classify
                self[keyPath: w].detections += detected ? 1 : 0
                self[keyPath: w].classifications += timings.classified
            }
        }
    }

    /// The frame rate (smoothed over about ten frames) and the frames dropped so far: cheap, for a HUD.
    public func liveFigures() -> (fps: Double, dropped: Int) { lock.withLock { (smoothedFPS, dropped) } }

    /// Figures since the last call (or the start), then starts a new window.
    public func takeInterval() -> StatisticsSnapshot {
        lock.withLock {
            let snapshot = makeSnapshot(interval)
            interval = Window()
            return snapshot
        }
    }

    /// Figures for the whole run so far.
    public func runTotals() -> StatisticsSnapshot { lock.withLock { makeSnapshot(total) } }

    private func makeSnapshot(_ w: Window) -> StatisticsSnapshot {
        let elapsed = max(1e-9, MonotonicClock.now - w.start)
        let n = Double(max(w.frames, 1))
        return StatisticsSnapshot(
            seconds: elapsed, framesCaptured: captured, framesAnalyzed: analyzed, framesDropped: dropped,
            framesSkipped: skipped + sourceSkipped, fps: Double(w.frames) / elapsed, faces: faces, tracksStarted: tracksStarted,
            latencyMean: w.latency.mean, latencyP50: w.latency.percentile(0.5), latencyP95: w.latency.percentile(0.95),
            latencyP99: w.latency.percentile(0.99), latencyMax: w.latency.maximum,
            cpuPercent: 100 * (ProcessClock.cpuSeconds - w.cpuStart) / elapsed,
            residentBytes: ProcessClock.residentBytes,
            decodeMs: w.decode / n, detectMs: w.detect / n, trackMs: w.track / n, classifyMs: w.classify / n,
            detectionsPerFrame: Double(w.detections) / n, classificationsPerFrame: Double(w.classifications) / n)
    }
}

/// Pipeline figures over a window of time; counters are totals since the start.
public struct StatisticsSnapshot: Sendable, Codable {
    public var seconds: Double
    public var framesCaptured: Int
    public var framesAnalyzed: Int
    public var framesDropped: Int
    public var framesSkipped: Int
    public var fps: Double
    public var faces: Int
    public var tracksStarted: Int
    public var latencyMean: Double
    public var latencyP50: Double
    public var latencyP95: Double
    public var latencyP99: Double
    public var latencyMax: Double
    /// CPU time of the whole process over the window, in percent of one core.
    public var cpuPercent: Double
    /// Resident memory of the process at the end of the window, in bytes (0 if /proc is unreadable).
    public var residentBytes: Int
    /// Mean milliseconds per analysed frame in each step.
    public var decodeMs: Double
    public var detectMs: Double
    public var trackMs: Double
    public var classifyMs: Double
    public var detectionsPerFrame: Double
    public var classificationsPerFrame: Double
}

/// CPU time used by this process.
enum ProcessClock {
    /// User + system CPU seconds of the whole process (every thread).
    static var cpuSeconds: Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Resident set size in bytes, from /proc/self/statm (0 when unavailable).
    static var residentBytes: Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
