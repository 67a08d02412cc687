import ArgumentParser
import Evaluation
import FaceAnalysis
import Foundation
import Reporting

/// `fer-live report EVENTS...`: one self-contained HTML page (and optionally a CSV) from event logs.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarise event logs as one HTML page (charts inline, nothing fetched) and a CSV.",
        discussion: """
        Reads the JSON Lines event logs fer-live writes (--events; plain or .gz as logrotate leaves them;
        several cameras' logs together, in any order) and writes what the faces showed: faces seen, median
        time in view, the emotion share of face time per bucket and overall, day × hour heat maps, one small
        chart per camera, the moments where one emotion's share jumped, and how it was all counted.
        Shares are weighted by face time (seconds a face was seen under each label), not by frames.
        The page holds aggregates only: no image and no per-face time line. Times are UTC.
        Bad lines are counted and the first few shown (file:line), never fatal.

          fer-live report /var/log/fer-live/events.jsonl* --out week.html --csv week.csv --bucket 1h
        """)

    @Argument(help: ArgumentHelp("Event logs (JSON Lines, plain or .gz).", valueName: "events"))
    var events: [String]

    @Option(help: "The HTML page to write.")
    var out = "report.html"

    @Option(help: "Also write one CSV row per bucket and camera (counts and shares) here.")
    var csv: String?

    @Option(help: ArgumentHelp("Only face time from this UTC time on: 2026-12-01, 2026-12-01T09:00 or full ISO 8601.",
                               valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Only face time before this UTC time (same forms as --since).", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("Bucket length for the charts and the CSV: 30s, 15m, 1h, 1d or seconds.", valueName: "length"))
    var bucket = "15m"

    @Option(help: ArgumentHelp("Only this camera (the events' source, e.g. /dev/video0 or video0); repeat for several.",
                               valueName: "name"))
    var camera: [String] = []

    @Option(help: "The emotion whose share the second heat map shows.")
    var focus = "happy"

    @Option(help: ArgumentHelp("Describe this model in the methods box when the logs do not name one (a shipped name or a manifest).",
                               valueName: "name"))
    var model: String?

    @Option(help: "Directory with the shipped models (default: found next to the binary or in the working directory).")
    var models: String?

    func validate() throws {
        guard ReportSettings.parseDuration(bucket) != nil else {
            throw ValidationError("--bucket \(bucket): not a length such as 30s, 15m, 1h or 1d")
        }
        for (name, value) in [("since", since), ("until", until)] {
            if let value, ReportSettings.parseTime(value) == nil {
                throw ValidationError("--\(name) \(value): not a UTC time such as 2026-12-01 or 2026-12-01T09:00")
            }
        }
    }

    func run() throws {
        let settings = ReportSettings(
            bucketSeconds: ReportSettings.parseDuration(bucket)!, since: since.flatMap(ReportSettings.parseTime),
            until: until.flatMap(ReportSettings.parseTime), cameras: camera, focusEmotion: focus)
        if let a = settings.since, let b = settings.until, a >= b {
            throw ValidationError("--since must be before --until")
        }
        let totalBytes = events.reduce(0) { sum, path in
            sum + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
        let bar = ProgressBar(total: max(totalBytes / 1024, 1), label: "report")
        let builder = ReportBuilder(settings: settings) { done, _ in bar.update(completed: done / 1024) }
        let report: EmotionReport
        do {
            report = try builder.build(paths: events)
        } catch let error as ReportError {
            Diagnostics.error(error.description)
            throw AlreadyReported()
        }
        bar.finish()
        let input = report.input
        for example in input.badLineExamples { Diagnostics.note("bad line: \(example)") }
        if input.badLines > input.badLineExamples.count {
            Diagnostics.note("… \(input.badLines - input.badLineExamples.count) more bad lines")
        }
        for damaged in input.damagedFiles { Diagnostics.error(damaged) }
        if report.isEmpty {
            var what = "no faces in \(events.count == 1 ? events[0] : "\(events.count) logs")"
            if since != nil || until != nil { what += " between \(since ?? "the start") and \(until ?? "the end")" }
            if !camera.isEmpty { what += " for camera \(camera.joined(separator: ", "))" }
            Diagnostics.error(what + " (\(input.lines) lines read, \(input.badLines) bad); no report written")
            throw ExitCode(1)
        }
        if !report.labels.contains(focus) {
            Diagnostics.error("--focus \(focus): not a label in these logs (\(report.labels.joined(separator: ", ")))")
            throw ExitCode(2)
        }
        let html = ReportHTML(modelNotes: modelNotes(report.models), generatedAt: Date().timeIntervalSince1970)
        try write(html.render(report), to: out)
        if let csv { try write(ReportCSV.render(report), to: csv) }
        Diagnostics.note("""
            \(out): \(report.overall.tracks) faces on \(report.cameras.count) camera\(report.cameras.count == 1 ? "" : "s"), \
            \(input.lines) lines read (\(input.badLines) bad, \(input.duplicates) repeated)\(csv.map { "; \($0)" } ?? "")
            """)
    }

    private func write(_ text: String, to path: String) throws {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            Diagnostics.error("cannot write \(path): \((error as NSError).localizedDescription)")
            throw AlreadyReported()
        }
    }

    /// One line per model: its measured accuracy from its manifest's `evaluation` record.
    private func modelNotes(_ named: [String]) -> [String] {
        let names = named.isEmpty ? [model ?? ModelLocator.defaultClassifier + " (assumed: the logs do not name a model)"] : named
        let locator = try? ModelLocator(explicit: models)
        return names.map { name in
            let bare = String(name.split(separator: " ").first ?? Substring(name))
            guard let locator else { return name }
            let url = locator.classifier(named: bare).deletingPathExtension().appendingPathExtension("json")
            guard let data = try? Data(contentsOf: url),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let evaluation = object["evaluation"] as? [String: Any] else {
                return "\(name): no measured accuracy on record"
            }
            var parts: [String] = []
            if let a = evaluation["ferplus_majority_accuracy"] as? Double {
                parts.append("agrees with the majority of 10 human taggers on \(Self.percent(a)) of FER2013's held-out faces (FER+)")
            }
            if let f = evaluation["ferplus_macro_f1"] as? Double { parts.append("macro-F1 \((f * 1000).rounded() / 1000)") }
            if let a = evaluation["fer2013_accuracy"] as? Double {
                parts.append("\(Self.percent(a)) against FER2013's single-annotator labels")
            }
            return "\(name): " + (parts.isEmpty ? "no measured accuracy on record" : parts.joined(separator: "; "))
        }
    }

    static func percent(_ v: Double) -> String { String(format: "%.1f %%", v * 100) }
}
