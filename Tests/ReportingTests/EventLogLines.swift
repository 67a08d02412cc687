import Foundation
import Reporting

/// Event-log lines in the README's schema, for one stream that starts at `origin` (UTC seconds).
struct EventLogLines {
    var source: String
    var origin: Double
    private(set) var lines: [String] = []

    init(source: String = "/dev/video0", origin: Double) {
        self.source = source
        self.origin = origin
    }

    private func head(_ type: String, _ t: Double) -> String {
        let stamp = Self.iso(origin + t)
        return "{\"type\":\"\(type)\",\"time\":\"\(stamp)\",\"source\":\"\(source)\",\"t\":\(t)"
    }

    mutating func sourceEvent(model: String) {
        lines.append("{\"type\":\"source\",\"time\":\"\(Self.iso(origin))\",\"source\":\"\(source)\",\"state\":\"streaming\",\"detail\":\"streaming 640x480\",\"model\":\"\(model)\"}")
    }

    mutating func start(_ track: Int, at t: Double) {
        lines.append(head("track_start", t) + ",\"frame\":\(Int(t * 30)),\"track\":\(track),\"box\":{\"x\":10,\"y\":20,\"width\":50,\"height\":60}}")
    }

    mutating func emotion(_ track: Int, _ label: String, at t: Double, previous: String? = nil) {
        let uncertain = label == "uncertain"
        lines.append(head("emotion", t) + ",\"frame\":\(Int(t * 30)),\"track\":\(track),\"emotion\":\"\(label)\",\"uncertain\":\(uncertain),\"confidence\":0.71,\"previous\":\(previous.map { "\"\($0)\"" } ?? "null"),\"probabilities\":{\"angry\":0.05,\"disgust\":0.01,\"fear\":0.03,\"happy\":0.71,\"sad\":0.1,\"surprise\":0.05,\"neutral\":0.05},\"box\":{\"x\":10,\"y\":20,\"width\":50,\"height\":60}}")
    }

    mutating func end(_ track: Int, firstSeen: Double, lastSeen: Double, share: [String: Double] = ["happy": 1]) {
        let shares = share.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",")
        lines.append(head("track_end", lastSeen) + ",\"track\":\(track),\"reason\":\"lost\",\"dwell_seconds\":\(lastSeen - firstSeen),\"first_seen\":\(firstSeen),\"last_seen\":\(lastSeen),\"dominant_emotion\":\"happy\",\"emotion_share\":{\(shares)},\"mean_confidence\":0.7}")
    }

    mutating func stats(at t: Double) {
        lines.append(head("stats", t) + ",\"seconds\":\(t),\"fps\":30,\"frames\":100}")
    }

    mutating func raw(_ line: String) { lines.append(line) }

    /// A face that shows `labels` in turn, `each` seconds apiece, from `at`.
    mutating func face(_ track: Int, at: Double, _ labels: [String], each: Double) {
        start(track, at: at)
        var previous: String?
        for (i, label) in labels.enumerated() {
            emotion(track, label, at: at + Double(i) * each, previous: previous)
            previous = label
        }
        end(track, firstSeen: at, lastSeen: at + Double(labels.count) * each)
    }

    var text: String { lines.joined(separator: "\n") + "\n" }

    static func iso(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let millis = Int(((seconds - Double(whole)) * 1000).rounded())
        let date = UTCTime.format(Double(whole))
        let secs = whole % 60
        return date.replacingOccurrences(of: " ", with: "T") + ":" + (secs < 10 ? "0\(secs)" : "\(secs)")
            + "." + String(format: "%03d", millis) + "Z"
    }

    /// 2026-12-04 `hour`:`minute` UTC.
    static func at(_ hour: Int, _ minute: Int = 0, day: Int = 4) -> Double {
        Double(UTCTime.daysFromCivil(year: 2026, month: 12, day: day) * 86_400 + hour * 3600 + minute * 60)
    }
}

/// Temporary files for one test.
final class TemporaryLogs {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fer-live-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Writes `text` gzip-compressed with the system's gzip (as logrotate does).
    func writeGzip(_ name: String, _ text: String) throws -> String {
        let plain = try write(name, text)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-f", plain]
        try process.run()
        process.waitUntilExit()
        return plain + ".gz"
    }
}
