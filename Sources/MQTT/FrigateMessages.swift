import Foundation
import Imaging
import Pipeline

/// One MQTT message: topic, JSON payload, retained or not.
public struct MQTTMessage: Sendable, Equatable {
    public var topic: String
    public var payload: String
    public var retain: Bool
}

/// Turns pipeline events into the messages Frigate and Home Assistant users know, keeping what each track
/// looked like last (the `before` side of the next message) and the faces in view (the retained state).
///
/// - `PREFIX/CAMERA/events`: `{"type": "new"|"update"|"end", "before": {...}, "after": {...}}`, one per
///   track start, label change and end; each side has `id`, `camera`, `label` ("face"), `sub_label`
///   ([emotion, score] or null), `score`, `top_score`, `box` [x1, y1, x2, y2], `start_time`, `end_time`
///   (seconds since 1970), `track`, `uncertain` and `probabilities`.
/// - `PREFIX/CAMERA/state` (retained): `faces`, `dominant_emotion`, `emotions` {label: faces}, `time`.
/// - `PREFIX/CAMERA/stats`: the pipeline's periodic figures.
public struct FrigateMessages: Sendable {
    public let prefix: String
    public let camera: String

    /// What a track looked like in its last message.
    private var tracks: [Int: [String: AnyJSON]] = [:]

    public init(prefix: String, camera: String) {
        self.prefix = prefix
        self.camera = camera
    }

    public var eventsTopic: String { "\(prefix)/\(camera)/events" }
    public var stateTopic: String { "\(prefix)/\(camera)/state" }
    public var statsTopic: String { "\(prefix)/\(camera)/stats" }

    /// The messages for one event (`now`: wall-clock seconds since 1970).
    public mutating func messages(for event: PipelineEvent, now: Double) -> [MQTTMessage] {
        switch event {
        case .trackStart(let face, _, _):
            let after: [String: AnyJSON] = [
                "id": .string("\(camera)-\(face.id)-\(String(format: "%.3f", now))"), "camera": .string(camera),
                "label": .string("face"), "track": .int(face.id), "sub_label": .null, "score": .null,
                "top_score": .null, "box": Self.box(face.box), "start_time": .number(Self.round3(now)),
                "end_time": .null, "frame_time": .number(Self.round3(now)), "uncertain": .null, "probabilities": .null,
            ]
            tracks[face.id] = after
            return [eventMessage("new", before: after, after: after), state(now)]
        case .emotion(let change, let face, _, _):
            guard var after = tracks[change.track] else { return [] }
            let before = after
            let e = change.emotion
            let score = Self.round3(Double(e.confidence))
            after["sub_label"] = .array([.string(e.label), .number(score)])
            after["score"] = .number(score)
            if case .number(let top) = after["top_score"] ?? .null, top >= score {} else { after["top_score"] = .number(score) }
            after["uncertain"] = .bool(e.isUncertain)
            after["probabilities"] = .object(Dictionary(uniqueKeysWithValues: zip(e.labels, e.probabilities).map {
                ($0.0, AnyJSON.number(Self.round3(Double($0.1))))
            }))
            if let face { after["box"] = Self.box(face.box) }
            after["frame_time"] = .number(Self.round3(now))
            tracks[change.track] = after
            return [eventMessage("update", before: before, after: after), state(now)]
        case .trackEnd(let summary, _):
            guard var after = tracks.removeValue(forKey: summary.track) else { return [] }
            let before = after
            after["end_time"] = .number(Self.round3(now))
            after["frame_time"] = .number(Self.round3(now))
            if let dominant = summary.dominantEmotion {
                after["dominant_emotion"] = .string(dominant)
            }
            after["dwell_seconds"] = .number(Self.round3(summary.dwell))
            return [eventMessage("end", before: before, after: after), state(now)]
        case .stats(let s, _, _):
            let stats: [String: AnyJSON] = [
                "fps": .number((s.fps * 10).rounded() / 10), "frames": .int(s.framesAnalyzed),
                "captured": .int(s.framesCaptured), "dropped": .int(s.framesDropped), "skipped": .int(s.framesSkipped),
                "faces": .int(s.faces), "latency_p99_ms": .number((s.latencyP99 * 10).rounded() / 10),
                "cpu_percent": .number((s.cpuPercent * 10).rounded() / 10),
                "rss_mb": .number((Double(s.residentBytes) / 1_048_576 * 10).rounded() / 10), "time": .number(Self.round3(now)),
            ]
            return [MQTTMessage(topic: statsTopic, payload: AnyJSON.object(stats).text, retain: false)]
        case .source:
            return []
        }
    }

    /// The retained state: faces in view now and the most common label among them.
    public func state(_ now: Double) -> MQTTMessage {
        var counts: [String: Int] = [:]
        for side in tracks.values {
            if case .array(let pair) = side["sub_label"] ?? .null, case .string(let label) = pair.first ?? .null {
                counts[label, default: 0] += 1
            }
        }
        let dominant = counts.filter { $0.key != "uncertain" }.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        let object: [String: AnyJSON] = [
            "faces": .int(tracks.count), "dominant_emotion": dominant.map { .string($0) } ?? .null,
            "emotions": .object(counts.mapValues { .int($0) }), "time": .number(Self.round3(now)),
        ]
        return MQTTMessage(topic: stateTopic, payload: AnyJSON.object(object).text, retain: true)
    }

    private func eventMessage(_ type: String, before: [String: AnyJSON], after: [String: AnyJSON]) -> MQTTMessage {
        MQTTMessage(topic: eventsTopic, payload: AnyJSON.object(["type": .string(type), "before": .object(before),
                                                                 "after": .object(after)]).text, retain: false)
    }

    static func box(_ r: Rect) -> AnyJSON {
        .array([r.x, r.y, r.x + r.width, r.y + r.height].map { .number((Double($0) * 10).rounded() / 10) })
    }

    static func round3(_ v: Double) -> Double { v.isFinite ? (v * 1000).rounded() / 1000 : 0 }
}

/// A JSON value built in code and written with sorted keys (stable payloads for tests and diffs).
public indirect enum AnyJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([AnyJSON])
    case object([String: AnyJSON])

    /// Compact JSON text.
    public var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .number(let d):
            guard d.isFinite else { return "null" }
            return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .string(let s): return Self.quote(s)
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let fields):
            return "{" + fields.sorted { $0.key < $1.key }.map { Self.quote($0.key) + ":" + $0.value.text }
                .joined(separator: ",") + "}"
        }
    }

    static func quote(_ s: String) -> String { JSONText.quote(s) }
}
