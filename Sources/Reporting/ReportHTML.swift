/// Renders a report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched.
public struct ReportHTML {
    /// One line per model in the logs: its name and measured accuracy (the methods box).
    public var modelNotes: [String]
    /// When the page was made (seconds since 1970), for the footer.
    public var generatedAt: Double

    public init(modelNotes: [String], generatedAt: Double) {
        self.modelNotes = modelNotes
        self.generatedAt = generatedAt
    }

    public func render(_ report: EmotionReport) -> String {
        let e = SVGChart.escape
        let size = report.settings.bucketSeconds
        let bucket = SVGChart.bucketName(size)
        var h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\">"
        h += "<title>fer-live report: \(e(period(report)))</title><style>\(Self.css)</style></head><body>"
        h += "<header><h1>What the faces showed</h1><p class=\"period\">\(e(period(report))) (UTC)</p></header>"

        // Key figures.
        let overall = report.overall
        h += "<section class=\"figures\">"
        h += figure(SVGChart.grouped(overall.tracks), "faces seen", "tracks: a person who stays is one face")
        h += figure(overall.medianDwell.map(Self.duration) ?? "–", "median time in view", "half the faces stayed shorter")
        h += figure(Self.duration(overall.total.total), "face time", "seconds with a labelled face, all faces together")
        h += figure(String(report.cameras.count), report.cameras.count == 1 ? "camera" : "cameras",
                    report.cameras.map(\.name).joined(separator: ", "))
        h += figure(SVGChart.percent(report.uncertainShare), "uncertain", "face time the model was not sure about")
        h += "</section>"

        // Share over time and overall.
        h += "<section><h2>Emotion share over time</h2>"
        h += "<p class=\"note\">Share of face time per \(bucket) (columns; faint where there was little face time), faces per \(bucket) (grey strip below).</p>"
        h += SVGChart.shareOverTime(report, overall, width: 900, height: 260, id: "share-over-time")
        h += legend(report)
        h += "<h3>Over the whole period</h3>"
        h += SVGChart.shareBar(report, overall.total, width: 900, id: "share-overall")
        h += "</section>"

        // Heat maps.
        let focus = report.settings.focusEmotion
        let focusIndex = report.labels.firstIndex(of: focus)
        let maxFaces = Double(max(1, overall.hours.values.map(\.faces).max() ?? 1))
        h += "<section><h2>When</h2><div class=\"pair\">"
        h += "<div><h3>Faces per hour</h3>"
        h += SVGChart.heatMap(report, overall, width: 440, id: "heat-faces", title: "Faces per hour", hue: "#2b5c8a") { t in
            t.faces > 0 ? (Double(t.faces) / maxFaces, "\(t.faces) faces") : nil
        }
        h += "<p class=\"note\">Darkest: \(Int(maxFaces)) faces in an hour.</p>"
        // The darkest cell is the hour with the largest share, so that differences show even when all shares are small.
        let maxShare = focusIndex.map { i in overall.hours.values.map { $0.share(of: i) }.max() ?? 0 } ?? 0
        h += "</div><div><h3>Share of \(e(focus)) per hour</h3>"
        h += SVGChart.heatMap(report, overall, width: 440, id: "heat-focus", title: "Share of \(focus) per hour",
                              hue: SVGChart.color(focus)) { t in
            guard let i = focusIndex, t.total > 0 else { return nil }
            return (maxShare > 0 ? t.share(of: i) / maxShare : 0,
                    "\(SVGChart.percent(t.share(of: i))) \(focus) of \(Self.duration(t.total)) face time")
        }
        h += "<p class=\"note\">Darkest: \(SVGChart.percent(maxShare)) of the hour's face time.</p>"
        h += "</div></div></section>"

        // Per camera.
        if report.cameras.count > 1 {
            h += "<section><h2>Per camera</h2><div class=\"multiples\">"
            for (i, camera) in report.cameras.enumerated() {
                h += "<div class=\"camera\"><h3>\(e(camera.name))</h3><p class=\"note\">\(camera.tracks) faces, median \(camera.medianDwell.map(Self.duration) ?? "–") in view, \(Self.duration(camera.total.total)) face time</p>"
                h += SVGChart.shareOverTime(report, camera, width: 430, height: 150, id: "camera-\(i)")
                h += SVGChart.shareBar(report, camera.total, width: 430, id: "camera-\(i)-overall")
                h += "</div>"
            }
            h += "</div></section>"
        }

        // Moments.
        h += "<section><h2>Moments</h2>"
        if report.moments.isEmpty {
            h += "<p class=\"note\">No \(bucket) stood out: no emotion's share rose by more than 10 points from one busy \(bucket) to the next.</p>"
        } else {
            h += "<p class=\"note\">The \(bucket)s where one emotion's share rose most against the \(bucket) before (quiet \(bucket)s left out).</p>"
            h += "<table id=\"moments\"><tr><th>from (UTC)</th><th>emotion</th><th>share before</th><th>share then</th><th>face time</th></tr>"
            for m in report.moments {
                h += "<tr><td>\(UTCTime.format(m.start))</td><td><span class=\"swatch\" style=\"background:\(SVGChart.color(m.label))\"></span>\(e(m.label))</td>"
                h += "<td>\(SVGChart.percent(m.before))</td><td>\(SVGChart.percent(m.after))</td><td>\(Self.duration(m.faceSeconds))</td></tr>"
            }
            h += "</table>"
        }
        h += "</section>"

        // Methods.
        let input = report.input
        h += "<section class=\"methods\"><h2>How this was counted</h2><ul>"
        h += "<li>Every face fer-live followed is one <b>face</b> (a track). Shares are of <b>face time</b>: each face's seconds under each label, so a face that stays twice as long counts twice as much, whatever the frame rate.</li>"
        h += "<li>A face's label is its smoothed label from the event log; it holds from one change to the next. A face seen across several \(bucket)s is split between them by time.</li>"
        h += "<li><b>Uncertain</b> (\(SVGChart.percent(report.uncertainShare)) of face time): the model's top probability was below the threshold, so no emotion was claimed.</li>"
        for note in modelNotes { h += "<li>Model: \(e(note))</li>" }
        if modelNotes.isEmpty { h += "<li>Model: not named in these logs.</li>" }
        h += "<li><b>Expressions, not feelings.</b> The model reads what a face shows for a moment, as people labelling photos would; it does not know what anyone feels, and it is wrong on some faces. Read the shares as a trend across many faces, not as a verdict on one person.</li>"
        h += "<li>Read \(input.lines) lines from \(input.files) log\(input.files == 1 ? "" : "s")"
        if input.badLines > 0 { h += "; \(input.badLines) bad line\(input.badLines == 1 ? "" : "s") skipped" }
        if input.duplicates > 0 { h += "; \(input.duplicates) repeated event\(input.duplicates == 1 ? "" : "s") counted once" }
        if input.unfinishedTracks > 0 { h += "; \(input.unfinishedTracks) face\(input.unfinishedTracks == 1 ? "" : "s") without an end in the logs, closed at their last event" }
        if !input.damagedFiles.isEmpty { h += "; \(input.damagedFiles.count) damaged compressed file\(input.damagedFiles.count == 1 ? "" : "s") read up to the damage" }
        h += ". No image and no per-face time line is in this report.</li></ul></section>"
        h += "<footer>Made by <code>fer-live report</code> on \(UTCTime.format(generatedAt)) UTC.</footer>"
        return h + "</body></html>\n"
    }

    private func period(_ report: EmotionReport) -> String {
        guard let first = report.firstTime, let last = report.lastTime else { return "no data" }
        return "\(UTCTime.format(first)) – \(UTCTime.format(last))"
    }

    private func figure(_ value: String, _ label: String, _ hint: String) -> String {
        "<div class=\"figure\" title=\"\(SVGChart.escape(hint))\"><div class=\"value\">\(SVGChart.escape(value))</div><div class=\"label\">\(SVGChart.escape(label))</div></div>"
    }

    private func legend(_ report: EmotionReport) -> String {
        var h = "<div class=\"legend\">"
        for label in report.labels {
            h += "<span><span class=\"swatch\" style=\"background:\(SVGChart.color(label))\"></span>\(SVGChart.escape(label))</span>"
        }
        return h + "</div>"
    }

    /// `42 s`, `3.5 min`, `2.1 h`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 90 { return "\(Int(seconds.rounded())) s" }
        if seconds < 5400 { return "\(SVGChart.num(seconds / 60)) min" }
        return "\(SVGChart.num(seconds / 3600)) h"
    }

    static let css = """
    body{font:15px/1.45 system-ui,-apple-system,"DejaVu Sans",sans-serif;color:#1d2733;max-width:920px;margin:24px auto;padding:0 12px;background:#fff}
    h1{font-size:26px;margin:0}h2{font-size:19px;margin:28px 0 6px;border-bottom:1px solid #e3e6ea;padding-bottom:4px}h3{font-size:15px;margin:14px 0 4px}
    .period{color:#5b6b7f;margin:2px 0 12px}.note{color:#5b6b7f;font-size:13px;margin:2px 0 6px}
    .figures{display:flex;flex-wrap:wrap;gap:10px}.figure{flex:1 1 150px;border:1px solid #e3e6ea;border-radius:6px;padding:8px 12px}
    .figure .value{font-size:24px;font-weight:600}.figure .label{color:#5b6b7f;font-size:13px}
    .chart{display:block;max-width:100%;height:auto}.tick{font-size:10px;fill:#5b6b7f}.barlabel{font-size:11px;fill:#111}
    .legend{display:flex;flex-wrap:wrap;gap:12px;font-size:13px;margin:6px 0}.swatch{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:4px;vertical-align:-1px;border:1px solid #0002}
    .pair,.multiples{display:flex;flex-wrap:wrap;gap:20px}.pair>div,.camera{flex:1 1 430px}
    table{border-collapse:collapse;font-size:14px}td,th{padding:3px 10px;border-bottom:1px solid #e3e6ea;text-align:left}
    .methods{background:#f6f8fa;border-radius:6px;padding:4px 16px 10px;margin-top:28px}.methods h2{border:0}.methods li{margin:4px 0}
    footer{color:#8a96a3;font-size:12px;margin:20px 0}
    @media print{body{margin:0;max-width:none}section{break-inside:avoid}}
    """
}
