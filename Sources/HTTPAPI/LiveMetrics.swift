import Foundation
import Pipeline
import Prometheus
import Synchronization

/// The Prometheus metrics of a live run (base units, `_total` counters, no per-face or per-track labels).
public final class LiveMetrics: Sendable {
    /// The registry the `/metrics` text is emitted from.
    public let registry = PrometheusCollectorRegistry()

    static let stageBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]
    static let latencyBuckets: [Double] = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5]

    let framesAnalyzed: Counter
    let framesCaptured: Counter
    let framesDropped: Counter
    let framesSkipped: Counter
    let tracksStarted: Counter
    let tracksEnded: Counter
    let eventsDropped: Counter
    let faces: Gauge
    let fps: Gauge
    let lastFrameAge: Gauge
    let sourceUp: Gauge
    let eventClients: Gauge
    let frameLatency: ValueHistogram
    let stages: [String: ValueHistogram]

    /// The metrics made on demand and the totals already mirrored.
    private struct Dynamic {
        var emotionChanges: [String: Counter] = [:]
        var emotionSeconds: [String: Counter] = [:]
        /// Pipeline totals already added to the counters (the counters only go up by the difference).
        var mirrored = (captured: 0, dropped: 0, skipped: 0)
        /// The MQTT publisher's metrics, made when a publisher is attached, and its totals already mirrored.
        var mqtt: (sent: Counter, dropped: Counter, queued: Gauge, connected: Gauge, mirrored: (Int, Int))?
    }

    private let dynamic = Mutex(Dynamic())

    public init() {
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "fer_live", metricName: metric, unitName: unit, helpText: help)
        }
        framesAnalyzed = registry.makeCounter(descriptor: name("frames_analyzed", "total", "Frames analysed."))
        framesCaptured = registry.makeCounter(descriptor: name("frames_captured", "total", "Frames read from the source."))
        framesDropped = registry.makeCounter(
            descriptor: name("frames_dropped", "total", "Frames dropped because analysis was behind."))
        framesSkipped = registry.makeCounter(
            descriptor: name("frames_skipped", "total", "Bad frames skipped (undecodable, truncated)."))
        tracksStarted = registry.makeCounter(descriptor: name("tracks_started", "total", "Face tracks confirmed."))
        tracksEnded = registry.makeCounter(descriptor: name("tracks_ended", "total", "Face tracks ended."))
        eventsDropped = registry.makeCounter(
            descriptor: name("http_events_dropped", "total", "Event lines dropped for slow /api/v1/events clients."))
        faces = registry.makeGauge(descriptor: name("faces", "", "Faces tracked in the last analysed frame."))
        fps = registry.makeGauge(descriptor: name("frames_per_second", "", "Smoothed analysis rate."))
        lastFrameAge = registry.makeGauge(
            descriptor: name("last_frame_age", "seconds", "Seconds since the last analysed frame (-1: none yet)."))
        sourceUp = registry.makeGauge(descriptor: name("source_up", "", "1 while the source streams, else 0."))
        eventClients = registry.makeGauge(
            descriptor: name("http_event_clients", "", "Clients connected to /api/v1/events."))
        frameLatency = registry.makeValueHistogram(
            descriptor: name("frame_latency", "seconds", "Seconds from capture to the end of analysis."),
            buckets: Self.latencyBuckets)
        var stages: [String: ValueHistogram] = [:]
        for stage in ["decode", "detect", "track", "classify"] {
            stages[stage] = registry.makeValueHistogram(
                descriptor: name("stage_duration", "seconds", "Seconds per frame spent in each analysis stage."),
                labels: [("stage", stage)], buckets: Self.stageBuckets)
        }
        self.stages = stages
        lastFrameAge.set(to: -1)
    }

    /// Records one analysed frame.
    func record(frame result: FrameResult) {
        framesAnalyzed.increment()
        faces.set(to: Double(result.analysis.faces.count))
        fps.set(to: result.fps.isFinite ? result.fps : 0)
        if result.latency.isFinite, result.latency >= 0 { frameLatency.record(result.latency) }
        let t = result.analysis.timings
        for (stage, ms) in [("decode", t.decode), ("detect", t.detect), ("track", t.track), ("classify", t.classify)]
        where ms.isFinite && ms >= 0 {
            stages[stage]?.record(ms / 1000)
        }
    }

    /// Counts a smoothed emotion change to `label`.
    func emotionChanged(to label: String) {
        counter(label, in: \.emotionChanges, metric: "emotion_changes",
                help: "Changes of a face's smoothed emotion, by the new emotion.").increment()
    }

    /// Adds face-seconds spent under a smoothed emotion.
    func addEmotionTime(_ seconds: Double, label: String) {
        guard seconds > 0, seconds.isFinite else { return }
        counter(label, in: \.emotionSeconds, metric: "emotion_face_seconds",
                help: "Face-seconds spent under each smoothed emotion (summed over all faces).").increment(by: seconds)
    }

    private func counter(_ label: String, in table: WritableKeyPath<Dynamic, [String: Counter]>,
                         metric: String, help: String) -> Counter {
        dynamic.withLock { d in
            if let c = d[keyPath: table][label] { return c }
            let c = registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "fer_live", metricName: metric, unitName: "total",
                                                 helpText: help),
                labels: [("emotion", label)])
            d[keyPath: table][label] = c
            return c
        }
    }

    /// Brings the frame counters up to the pipeline's own totals.
    func mirror(captured: Int, dropped: Int, skipped: Int) {
        let delta: (Int, Int, Int) = dynamic.withLock { state in
            let m = state.mirrored
            state.mirrored = (max(m.captured, captured), max(m.dropped, dropped), max(m.skipped, skipped))
            return (max(0, captured - m.captured), max(0, dropped - m.dropped), max(0, skipped - m.skipped))
        }
        if delta.0 > 0 { framesCaptured.increment(by: Int64(delta.0)) }
        if delta.1 > 0 { framesDropped.increment(by: Int64(delta.1)) }
        if delta.2 > 0 { framesSkipped.increment(by: Int64(delta.2)) }
    }

    /// Brings the MQTT metrics up to the publisher's figures (`fer_live_mqtt_sent_total`, `_dropped_total`,
    /// `fer_live_mqtt_queued`, `fer_live_mqtt_connected`).
    func mirror(publisher figures: PublisherFigures) {
        let (metrics, delta): ((sent: Counter, dropped: Counter, queued: Gauge, connected: Gauge), (Int, Int)) = dynamic.withLock { state in
            if state.mqtt == nil {
                func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
                    MetricNameDescriptor(namespace: "fer_live", metricName: metric, unitName: unit, helpText: help)
                }
                state.mqtt = (registry.makeCounter(descriptor: name("mqtt_sent", "total", "MQTT messages the broker acknowledged.")),
                        registry.makeCounter(descriptor: name("mqtt_dropped", "total",
                                                              "MQTT messages dropped because the queue was full (broker away too long).")),
                        registry.makeGauge(descriptor: name("mqtt_queued", "", "MQTT messages waiting or unacknowledged.")),
                        registry.makeGauge(descriptor: name("mqtt_connected", "", "1 while connected to the broker, else 0.")),
                        (0, 0))
            }
            let m = state.mqtt!
            let d = (max(0, figures.sent - m.mirrored.0), max(0, figures.dropped - m.mirrored.1))
            state.mqtt!.mirrored = (max(m.mirrored.0, figures.sent), max(m.mirrored.1, figures.dropped))
            return ((m.sent, m.dropped, m.queued, m.connected), d)
        }
        if delta.0 > 0 { metrics.sent.increment(by: Int64(delta.0)) }
        if delta.1 > 0 { metrics.dropped.increment(by: Int64(delta.1)) }
        metrics.queued.set(to: Double(figures.queued))
        metrics.connected.set(to: figures.connected ? 1 : 0)
    }

    /// The exposition text (Prometheus text format 0.0.4).
    public func text() -> String { registry.emitToString() }
}

/// A message publisher's figures as `/metrics` shows them (the MQTT publisher, read at each scrape).
public struct PublisherFigures: Sendable, Equatable {
    public var sent: Int
    public var dropped: Int
    public var queued: Int
    public var connected: Bool

    public init(sent: Int, dropped: Int, queued: Int, connected: Bool) {
        self.sent = sent
        self.dropped = dropped
        self.queued = queued
        self.connected = connected
    }
}
