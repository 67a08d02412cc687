import Capture
import Foundation

/// Turns pipeline events into the JSON Lines schema documented in the README.
public struct EventEncoder: Sendable {
    /// The `source` field: the device path or file name.
    public var sourceName: String
    /// The `model` field of `source` events: the classifier that labels the faces (nil: not written).
    public var model: String?

    public init(sourceName: String, model: String? = nil) {
        self.sourceName = sourceName
        self.model = model
    }

    /// One JSON object (no newline), keys in a fixed, readable order.
    public func encode(_ event: PipelineEvent, wallTime: Date = Date()) -> String {
        var o = JSONLine()
        o.add("type", event.type)
        o.add("time", Self.iso8601(wallTime))
        o.add("source", sourceName)
        switch event {
        case .trackStart(let face, let frame, let t):
            o.add("t", round3(t)); o.add("frame", frame); o.add("track", face.id)
            o.addRaw("box", Self.box(face.box))
        case .emotion(let change, let face, let frame, let t):
            o.add("t", round3(t)); o.add("frame", frame); o.add("track", change.track)
            o.add("emotion", change.emotion.label)
            o.addRaw("uncertain", change.emotion.isUncertain ? "true" : "false")
            o.add("confidence", round3(Double(change.emotion.confidence)))
            if let previous = change.previous { o.add("previous", previous) } else { o.addRaw("previous", "null") }
            o.addRaw("probabilities", Self.probabilities(change.emotion.labels, change.emotion.probabilities))
            if let face { o.addRaw("box", Self.box(face.box)) }
        case .trackEnd(let summary, let t):
            o.add("t", round3(t)); o.add("track", summary.track)
            o.add("reason", summary.reason)
            o.add("dwell_seconds", round3(summary.dwell))
            o.add("first_seen", round3(summary.firstSeen)); o.add("last_seen", round3(summary.lastSeen))
            if let dominant = summary.dominantEmotion { o.add("dominant_emotion", dominant) }
            var share = JSONLine()
            for (label, value) in summary.emotionShare.sorted(by: { $0.value > $1.value }) { share.add(label, round3(value)) }
            o.addRaw("emotion_share", share.text)
            if let mean = summary.meanConfidence { o.add("mean_confidence", round3(mean)) }
        case .stats(let s, let final, let t):
            if let t { o.add("t", round3(t)) }
            if final { o.addRaw("final", "true") }
            o.add("seconds", round3(s.seconds))
            o.add("fps", round1(s.fps))
            o.add("frames", s.framesAnalyzed); o.add("captured", s.framesCaptured)
            o.add("dropped", s.framesDropped); o.add("skipped", s.framesSkipped)
            o.add("faces", s.faces); o.add("tracks", s.tracksStarted)
            o.add("events", s.eventsPublished)
            var latency = JSONLine()
            latency.add("mean", round1(s.latencyMean)); latency.add("p50", round1(s.latencyP50))
            latency.add("p95", round1(s.latencyP95)); latency.add("p99", round1(s.latencyP99))
            latency.add("max", round1(s.latencyMax))
            o.addRaw("latency_ms", latency.text)
            var stages = JSONLine()
            stages.add("decode", round3(s.decodeMs)); stages.add("detect", round3(s.detectMs))
            stages.add("track", round3(s.trackMs)); stages.add("classify", round3(s.classifyMs))
            o.addRaw("stage_ms", stages.text)
            o.add("cpu_percent", round1(s.cpuPercent))
            o.add("rss_mb", round1(Double(s.residentBytes) / 1_048_576))
        case .source(let state, let t):
            if let t { o.add("t", round3(t)) }
            o.add("state", state.name)
            o.add("detail", state.description)
            if let model { o.add("model", model) }
        }
        return o.text
    }

    static func box(_ r: Rect) -> String {
        var b = JSONLine()
        b.add("x", round1(Double(r.x))); b.add("y", round1(Double(r.y)))
        b.add("width", round1(Double(r.width))); b.add("height", round1(Double(r.height)))
        return b.text
    }

    static func probabilities(_ labels: [String], _ values: [Float]) -> String {
        var p = JSONLine()
        for (label, value) in zip(labels, values) { p.add(label, round3(Double(value))) }
        return p.text
    }

    /// RFC 3339 / ISO-8601 UTC with milliseconds, e.g. 2026-11-22T09:41:07.123Z.
    public static func iso8601(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        let millis = min(999, Int(((seconds - Double(whole)) * 1000).rounded(.down)))
        var parts = tm()
        gmtime_r(&whole, &parts)
        func pad(_ v: Int32, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }
}

import Imaging

func round3(_ v: Double) -> Double { v.isFinite ? (v * 1000).rounded() / 1000 : 0 }
func round1(_ v: Double) -> Double { v.isFinite ? (v * 10).rounded() / 10 : 0 }

/// A JSON object built key by key, in insertion order (JSONEncoder sorts or scrambles keys).
struct JSONLine {
    private(set) var text = "{}"
    private var empty = true

    mutating func addRaw(_ key: String, _ rawValue: String) {
        text.removeLast()
        if !empty { text += "," }
        text += JSONLine.quote(key) + ":" + rawValue + "}"
        empty = false
    }
    mutating func add(_ key: String, _ value: String) { addRaw(key, JSONLine.quote(value)) }
    mutating func add(_ key: String, _ value: Int) { addRaw(key, String(value)) }
    mutating func add(_ key: String, _ value: Double) {
        addRaw(key, value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
    }

    static func quote(_ s: String) -> String { JSONText.quote(s) }
}

/// JSON text helpers shared by the event encoders (the JSON Lines log, MQTT payloads).
public enum JSONText {
    /// `s` as a JSON string literal, quotes included, control characters escaped.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
