import Foundation

/// One row per frame and face for offline analysis (`--per-frame FILE`), as CSV or JSON Lines.
///
/// Columns: frame, t (stream seconds), track, x, y, width, height, emotion (smoothed), confidence,
/// classified (1 if the classifier ran on this face in this frame), then one raw probability per label
/// from the face's latest classification (the smoothed ones in JSON under `smoothed`).
public final class PerFrameWriter: @unchecked Sendable {
    // @unchecked Sendable: `latest` is touched only by `write(_:)`, which the pipeline calls from its analysis
    // queue alone (a serial queue); the LineWriter locks itself.
    /// The file format, chosen from the extension (.csv, or JSON Lines otherwise).
    public enum Format: Sendable { case csv, jsonLines }

    public let format: Format
    private let writer: LineWriter
    private let labels: [String]
    private var latest: [Int: [Float]] = [:]

    public init(path: String, labels: [String], format: Format? = nil) throws {
        self.format = format ?? (path.lowercased().hasSuffix(".csv") ? .csv : .jsonLines)
        self.labels = labels
        if path != "-" { try? FileManager.default.removeItem(atPath: path) }
        writer = try LineWriter(path: path)
        if self.format == .csv {
            writer.write(line: (["frame", "t", "track", "x", "y", "width", "height", "emotion", "confidence", "classified"]
                                + labels).joined(separator: ","))
        }
    }

    /// Writes the rows of one analysed frame (called from the analysis queue only).
    public func write(_ analysis: FrameAnalysis) {
        for face in analysis.faces {
            if let p = face.prediction { latest[face.id] = p.probabilities }
            let raw = latest[face.id]
            switch format {
            case .csv:
                var fields = [String(analysis.sequence), String(round3(analysis.time)), String(face.id),
                              String(round1(Double(face.box.x))), String(round1(Double(face.box.y))),
                              String(round1(Double(face.box.width))), String(round1(Double(face.box.height))),
                              face.emotion?.label ?? "",
                              face.emotion.map { String(round3(Double($0.confidence))) } ?? "",
                              face.prediction == nil ? "0" : "1"]
                fields += labels.indices.map { i in raw.map { String(round3(Double($0[i]))) } ?? "" }
                writer.write(line: fields.joined(separator: ","))
            case .jsonLines:
                var o = JSONLine()
                o.add("frame", analysis.sequence); o.add("t", round3(analysis.time)); o.add("track", face.id)
                o.addRaw("box", EventEncoder.box(face.box))
                if let e = face.emotion {
                    o.add("emotion", e.label); o.add("confidence", round3(Double(e.confidence)))
                    o.addRaw("smoothed", EventEncoder.probabilities(e.labels, e.probabilities))
                }
                o.addRaw("classified", face.prediction == nil ? "false" : "true")
                if let raw { o.addRaw("probabilities", EventEncoder.probabilities(labels, raw)) }
                writer.write(line: o.text)
            }
        }
        for ended in analysis.ended { latest[ended.track] = nil }
    }

    public func flush() { writer.flush() }
}
