import Capture
import Classification
import Foundation
import Imaging
import Pipeline

/// What the HTTP endpoint serves, kept up to date as a frame sink and an event sink (cheap, thread-safe).
public final class LiveState: FrameSink, EventSink, @unchecked Sendable {
    /// The Prometheus metrics.
    public let metrics = LiveMetrics()
    /// The live event lines for `/api/v1/events`.
    public let events: EventBroadcaster
    /// Whether `/snapshot.jpg` may serve the last frame (it shows faces).
    public let allowSnapshots: Bool
    /// Seconds without a frame after which `/healthz` says `stalled`.
    public let stallAfter: Double

    private let encoder: EventEncoder
    private let clock: @Sendable () -> Double
    private let wallClock: @Sendable () -> Double
    private let lock = NSLock()
    private var recent = RecentFaceTime()
    private var labelsSeen: [String] = []
    /// Smoothed seconds between analysed frames (stream time), for the live page's fps.
    private var frameInterval: Double?
    private var tracks = TracksDocument(frame: nil, t: nil, tracks: [])
    private var lastFrameClock: Double?
    private var lastFrameTime: Double?
    private var framesAnalyzed = 0
    private var maxDropped = 0
    private var source: SourceState = .starting
    private var lastResult: FrameResult?
    private var statistics: PipelineStatistics?
    private var publisher: (@Sendable () -> PublisherFigures)?

    /// `clock` gives monotonic seconds (for frame ages), `wallClock` seconds since 1970 (for the last hour's
    /// minutes); tests pass their own.
    public init(sourceName: String, allowSnapshots: Bool = false, stallAfter: Double = 2, eventBuffer: Int = 256,
                clock: @escaping @Sendable () -> Double = { MonotonicClock.now },
                wallClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.encoder = EventEncoder(sourceName: sourceName)
        self.allowSnapshots = allowSnapshots
        self.stallAfter = stallAfter
        self.clock = clock
        self.wallClock = wallClock
        let metrics = self.metrics
        self.events = EventBroadcaster(capacity: eventBuffer) { metrics.eventsDropped.increment(by: Int64($0)) }
    }

    /// Reads the pipeline's own totals (captured, dropped, skipped frames) at each scrape.
    public func attach(_ statistics: PipelineStatistics) { lock.withLock { self.statistics = statistics } }

    /// Reads a message publisher's figures (MQTT) at each scrape.
    public func attach(publisher figures: @escaping @Sendable () -> PublisherFigures) {
        lock.withLock { publisher = figures }
    }

    // MARK: Sinks

    public func handle(_ result: FrameResult) {
        let a = result.analysis
        let now = clock()
        let wallNow = wallClock()
        let views = a.faces.map { face in
            TrackView(
                id: face.id,
                box: BoxView(x: Double(face.box.x), y: Double(face.box.y), width: Double(face.box.width),
                             height: Double(face.box.height)),
                emotion: face.emotion?.label, uncertain: face.emotion?.isUncertain,
                confidence: face.emotion.map { Double($0.confidence) },
                probabilities: face.emotion.map { e in
                    Dictionary(zip(e.labels, e.probabilities.map(Double.init)), uniquingKeysWith: { a, _ in a })
                },
                ageSeconds: face.age)
        }
        let elapsed: Double = lock.withLock {
            let dt = lastFrameTime.map { a.time - $0 } ?? 0
            tracks = TracksDocument(frame: a.sequence, t: a.time, tracks: views)
            lastFrameClock = now
            lastFrameTime = a.time
            framesAnalyzed += 1
            maxDropped = max(maxDropped, result.dropped)
            if allowSnapshots { lastResult = result }
            if dt > 0 { frameInterval = frameInterval.map { 0.9 * $0 + 0.1 * dt } ?? dt }
            // Face-seconds per emotion: the time since the previous frame, at most 1 s (after a gap, count little).
            let faceDt = min(max(dt, 0), 1)
            for face in a.faces {
                guard let e = face.emotion else { continue }
                recent.add(faceDt, label: e.label, now: wallNow)
                if !labelsSeen.contains(e.label) { labelsSeen.append(e.label) }
            }
            return dt
        }
        metrics.record(frame: result)
        let dt = min(max(elapsed, 0), 1)
        for face in a.faces { if let e = face.emotion { metrics.addEmotionTime(dt, label: e.label) } }
    }

    public func handle(_ event: PipelineEvent) {
        switch event {
        case .trackStart: metrics.tracksStarted.increment()
        case .trackEnd(let summary, _):
            metrics.tracksEnded.increment()
            lock.withLock { tracks.tracks.removeAll { $0.id == summary.track } }
        case .emotion(let change, _, _, _): metrics.emotionChanged(to: change.emotion.label)
        case .source(let state, _): lock.withLock { source = state }
        case .stats: break
        }
        if events.hasClients { events.publish(encoder.encode(event)) }
    }

    public func flush() {}

    // MARK: Documents

    /// The Prometheus text for `/metrics`.
    public func metricsText() -> String {
        let (statistics, dropped, age, state, publisher) = lock.withLock {
            (self.statistics, maxDropped, lastFrameClock.map { clock() - $0 }, source, self.publisher)
        }
        if let publisher { metrics.mirror(publisher: publisher()) }
        if let statistics {
            let totals = statistics.runTotals()
            metrics.mirror(captured: totals.framesCaptured, dropped: totals.framesDropped,
                           skipped: totals.framesSkipped)
        } else {
            metrics.mirror(captured: 0, dropped: dropped, skipped: 0)
        }
        metrics.lastFrameAge.set(to: age ?? -1)
        if case .streaming = state { metrics.sourceUp.set(to: 1) } else { metrics.sourceUp.set(to: 0) }
        metrics.eventClients.set(to: Double(events.clientCount))
        return metrics.text()
    }

    /// The `/healthz` report: `ok` only when a frame was analysed in the last `stallAfter` seconds.
    public func health() -> HealthReport {
        lock.withLock {
            let age = lastFrameClock.map { max(0, clock() - $0) }
            let status: String
            if let age, age <= stallAfter {
                status = "ok"
            } else {
                switch source {
                case .starting: status = "starting"
                case .waiting: status = "waiting"
                case .ended: status = "ended"
                case .streaming: status = "stalled"
                }
            }
            return HealthReport(status: status, source: source.name, detail: source.description,
                                lastFrameAgeSeconds: age.map { ($0 * 1000).rounded() / 1000 },
                                framesAnalyzed: framesAnalyzed)
        }
    }

    /// The live page's figures: fps, faces now, the last hour's face time per minute and label.
    public func summary() -> SummaryDocument {
        let now = wallClock()
        return lock.withLock {
            var colors: [String: String] = [:]
            for label in labelsSeen + ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral", "uncertain"] {
                colors[label] = EmotionColor.hex(forLabel: label)
            }
            return SummaryDocument(fps: frameInterval.map { ($0 > 0 ? 1 / $0 : 0) }.map { ($0 * 10).rounded() / 10 },
                                   faces: tracks.tracks.count, lastHour: recent.document(now: now), colors: colors,
                                   snapshots: allowSnapshots)
        }
    }

    /// The tracks of the last analysed frame.
    public func currentTracks() -> TracksDocument { lock.withLock { tracks } }

    /// The last analysed frame with its boxes and labels drawn, as JPEG; nil when snapshots are off or no frame yet.
    public func snapshotJPEG(renderer: SnapshotRenderer) throws -> [UInt8]? {
        guard allowSnapshots, let result = lock.withLock({ lastResult }) else { return nil }
        return try renderer.render(result)
    }
}
