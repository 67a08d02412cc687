import Capture
import Foundation
import Glibc
import Synchronization

/// Counters and latencies of a running pipeline, safe to update from its stages and read from anywhere.
public final class PipelineStatistics: Sendable {
    private let counts = Mutex(Counts())

    /// Everything counted, behind one lock.
    private struct Counts {
        var captured = 0
        var analyzed = 0
        var dropped = 0
        var skipped = 0
        var sourceSkipped = 0
        var lastAnalyzed: Double?
        var smoothedFPS = 0.0
        var faces = 0
        var tracksStarted = 0
        var events = 0
        var interval = Window()
        var total = Window()
    }

    /// Accumulators for one reporting window (and one for the whole run).
    private struct Window {
        var start = MonotonicClock.now
        var cpuStart = ProcessClock.cpuSeconds
        var frames = 0
        var latency = LatencyHistogram()
        var decode = 0.0, detect = 0.0, track = 0.0, classify = 0.0
        var detections = 0, classifications = 0

        mutating func add(latency: Double, timings: StageTimings, detected: Bool) {
            frames += 1
            self.latency.record(latency)
            decode += timings.decode
            detect += timings.detect
            track += timings.track
            classify += timings.classify
            detections += detected ? 1 : 0
            classifications += timings.classified
        }
    }

    public init() {}

    /// A frame left the source.
    public func frameCaptured() { counts.withLock { $0.captured += 1 } }
    /// Frames lost because a stage was behind.
    public func framesDropped(_ n: Int) { guard n > 0 else { return }; counts.withLock { $0.dropped += n } }
    /// A frame was unusable (corrupt, truncated) and skipped.
    public func frameSkipped(_ n: Int = 1) { guard n > 0 else { return }; counts.withLock { $0.skipped += n } }
    /// Frames the source itself skipped (corrupt or truncated), as the source counts them.
    public func setSourceSkipped(_ n: Int) { counts.withLock { $0.sourceSkipped = n } }
    /// Tracks started so far.
    public func trackStarted(_ n: Int) { counts.withLock { $0.tracksStarted += n } }
    /// An event went to the sinks.
    public func eventPublished() { counts.withLock { $0.events += 1 } }

    /// A frame went all the way through analysis.
    public func frameAnalyzed(latency: Double, faces: Int, timings: StageTimings, detected: Bool) {
        let now = MonotonicClock.now
        counts.withLock { c in
            c.analyzed += 1
            if let last = c.lastAnalyzed, now > last {
                let instant = 1 / (now - last)
                c.smoothedFPS = c.smoothedFPS == 0 ? instant : c.smoothedFPS + 0.1 * (instant - c.smoothedFPS)
            }
            c.lastAnalyzed = now
            c.faces = faces
            c.interval.add(latency: latency, timings: timings, detected: detected)
            c.total.add(latency: latency, timings: timings, detected: detected)
        }
    }

    /// The frame rate (smoothed over about ten frames) and the frames dropped so far: cheap, for a HUD.
    public func liveFigures() -> (fps: Double, dropped: Int) { counts.withLock { ($0.smoothedFPS, $0.dropped) } }

    /// Figures since the last call (or the start), then starts a new window.
    public func takeInterval() -> StatisticsSnapshot {
        counts.withLock { c in
            let snapshot = Self.snapshot(c, c.interval)
            c.interval = Window()
            return snapshot
        }
    }

    /// Figures for the whole run so far.
    public func runTotals() -> StatisticsSnapshot { counts.withLock { Self.snapshot($0, $0.total) } }

    private static func snapshot(_ c: Counts, _ w: Window) -> StatisticsSnapshot {
        let elapsed = max(1e-9, MonotonicClock.now - w.start)
        let n = Double(max(w.frames, 1))
        return StatisticsSnapshot(
            seconds: elapsed, framesCaptured: c.captured, framesAnalyzed: c.analyzed, framesDropped: c.dropped,
            framesSkipped: c.skipped + c.sourceSkipped, fps: Double(w.frames) / elapsed, faces: c.faces,
            tracksStarted: c.tracksStarted, eventsPublished: c.events,
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
    /// Events published so far in this run, before the stats event that carries the snapshot (exact in the
    /// final one, when nothing else runs; periodic ones may miss an event published from another stage meanwhile).
    public var eventsPublished: Int
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
