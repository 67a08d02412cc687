import Capture
import Classification
import Foundation
import Imaging
import Pipeline
import Synchronization

/// What the HTTP endpoint serves, kept up to date as a frame sink and an event sink (cheap, thread-safe).
public final class LiveState: FrameSink, EventSink, Sendable {
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
    private let live = Mutex(Live())

    /// Everything the sinks update and the documents read.
    private struct Live {
        var recent = RecentFaceTime()
        var labelsSeen: [String] = []
        /// Smoothed seconds between analysed frames (stream time), for the live page's fps.
        var frameInterval: Double?
        var tracks = TracksDocument(frame: nil, t: nil, tracks: [])
        var lastFrameClock: Double?
        var lastFrameTime: Double?
        var framesAnalyzed = 0
        var maxDropped = 0
        var source: SourceState = .starting
        /// When the source last said it streams (a start, or a camera back after an unplug).
        var streamingSince: Double?
        var lastResult: FrameResult?
        var statistics: PipelineStatistics?
        var publisher: (@Sendable () -> PublisherFigures)?
    }

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
    public func attach(_ statistics: PipelineStatistics) { live.withLock { $0.statistics = statistics } }

    /// Reads a message publisher's figures (MQTT) at each scrape.
    public func attach(publisher figures: @escaping @Sendable () -> PublisherFigures) {
        live.withLock { $0.publisher = figures }
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
        let allowSnapshots = self.allowSnapshots
        let elapsed: Double = live.withLock { s in
            let dt = s.lastFrameTime.map { a.time - $0 } ?? 0
            s.tracks = TracksDocument(frame: a.sequence, t: a.time, tracks: views)
            s.lastFrameClock = now
            s.lastFrameTime = a.time
            s.framesAnalyzed += 1
            s.maxDropped = max(s.maxDropped, result.dropped)
            if allowSnapshots { s.lastResult = result }
            if dt > 0 { s.frameInterval = s.frameInterval.map { 0.9 * $0 + 0.1 * dt } ?? dt }
            // Face-seconds per emotion: the time since the previous frame, at most 1 s (after a gap, count little).
            let faceDt = min(max(dt, 0), 1)
            for face in a.faces {
                guard let e = face.emotion else { continue }
                s.recent.add(faceDt, label: e.label, now: wallNow)
                if !s.labelsSeen.contains(e.label) { s.labelsSeen.append(e.label) }
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
            live.withLock { $0.tracks.tracks.removeAll { $0.id == summary.track } }
        case .emotion(let change, _, _, _): metrics.emotionChanged(to: change.emotion.label)
        case .source(let state, _):
            let now = clock()
            live.withLock { s in
                if case .streaming = state { s.streamingSince = now }
                s.source = state
            }
        case .stats: break
        }
        if events.hasClients { events.publish(encoder.encode(event)) }
    }

    public func flush() {}

    // MARK: Documents

    /// The Prometheus text for `/metrics`.
    public func metricsText() -> String {
        let clock = self.clock
        let (statistics, dropped, age, state, publisher) = live.withLock { s in
            (s.statistics, s.maxDropped, s.lastFrameClock.map { clock() - $0 }, s.source, s.publisher)
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
        let (clock, stallAfter) = (self.clock, self.stallAfter)
        return live.withLock { s in
            let age = s.lastFrameClock.map { max(0, clock() - $0) }
            let status: String
            if let age, age <= stallAfter {
                status = "ok"
            } else {
                switch s.source {
                case .starting: status = "starting"
                case .waiting: status = "waiting"
                case .ended: status = "ended"
                case .streaming:
                    // The first frame of a stream that just started (or came back) is not late yet.
                    let awaitingFirstFrame = s.streamingSince.map { since in
                        (s.lastFrameClock ?? -.infinity) < since && clock() - since <= stallAfter
                    } ?? false
                    status = awaitingFirstFrame ? "starting" : "stalled"
                }
            }
            return HealthReport(status: status, source: s.source.name, detail: s.source.description,
                                lastFrameAgeSeconds: age.map { ($0 * 1000).rounded() / 1000 },
                                framesAnalyzed: s.framesAnalyzed)
        }
    }

    /// The live page's figures: fps, faces now, the last hour's face time per minute and label.
    public func summary() -> SummaryDocument {
        let now = wallClock()
        let allowSnapshots = self.allowSnapshots
        return live.withLock { s in
            var colors: [String: String] = [:]
            for label in s.labelsSeen + ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral", "uncertain"] {
                colors[label] = EmotionColor.hex(forLabel: label)
            }
            return SummaryDocument(fps: s.frameInterval.map { ($0 > 0 ? 1 / $0 : 0) }.map { ($0 * 10).rounded() / 10 },
                                   faces: s.tracks.tracks.count, lastHour: s.recent.document(now: now), colors: colors,
                                   snapshots: allowSnapshots)
        }
    }

    /// The tracks of the last analysed frame.
    public func currentTracks() -> TracksDocument { live.withLock { $0.tracks } }

    /// The last analysed frame with its boxes and labels drawn, as JPEG; nil when snapshots are off or no frame yet.
    public func snapshotJPEG(renderer: SnapshotRenderer) throws -> [UInt8]? {
        guard allowSnapshots, let result = live.withLock({ $0.lastResult }) else { return nil }
        return try renderer.render(result)
    }
}
