import Classification

/// Small inline-SVG charts for the report: stacked shares over time, a share bar, a day × hour heat map.
enum SVGChart {
    /// CSS colour of a label: the overlay's colour, grey for `uncertain`.
    static func color(_ label: String) -> String { EmotionColor.hex(forLabel: label) }

    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    static func num(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    static func percent(_ v: Double) -> String { "\(Int((v * 100).rounded())) %" }

    /// `145 587`: digits grouped by threes with a thin space.
    static func grouped(_ v: Int) -> String {
        var digits = String(abs(v))
        var out = ""
        while digits.count > 3 {
            out = "\u{2009}" + digits.suffix(3) + out
            digits.removeLast(3)
        }
        return (v < 0 ? "-" : "") + digits + out
    }

    /// Emotion share per bucket as stacked columns (an area when buckets touch), faces per bucket as a strip
    /// below, time ticks at day (or hour) boundaries.
    static func shareOverTime(_ report: EmotionReport, _ camera: CameraReport, width: Double, height: Double,
                              id: String) -> String {
        guard let range = report.bucketRange else { return "" }
        let left = 34.0, right = 8.0, top = 6.0, stripHeight = height * 0.18, axis = 16.0
        let plotHeight = height - top - stripHeight - axis - 6
        let plotWidth = width - left - right
        let count = Double(range.count)
        let columnWidth = plotWidth / count
        var svg = "<svg id=\"\(id)\" class=\"chart\" viewBox=\"0 0 \(num(width)) \(num(height))\" width=\"\(num(width))\" height=\"\(num(height))\" role=\"img\" shape-rendering=\"crispEdges\">"
        svg += "<title>Emotion share of face time per \(bucketName(report.settings.bucketSeconds)), \(escape(camera.name))</title>"
        // Axes and grid.
        for fraction in [0.0, 0.5, 1.0] {
            let y = top + plotHeight * (1 - fraction)
            svg += "<line x1=\"\(num(left))\" x2=\"\(num(left + plotWidth))\" y1=\"\(num(y))\" y2=\"\(num(y))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(num(left - 4))\" y=\"\(num(y + 4))\" text-anchor=\"end\" class=\"tick\">\(Int(fraction * 100))%</text>"
        }
        let maxFaces = max(1, range.map { camera.buckets[$0]?.faces ?? 0 }.max() ?? 1)
        // Buckets with little face time (a face or two at closing time) are drawn faint: their shares say little.
        let totals = camera.buckets.values.map(\.total).filter { $0 > 0 }.sorted()
        let solid = totals.isEmpty ? 1 : max(10, totals[totals.count / 2] / 4)
        for (i, bucket) in range.enumerated() {
            guard let tally = camera.buckets[bucket] else { continue }
            let x = left + Double(i) * columnWidth
            let w = max(columnWidth, 0.6)
            let total = tally.total
            if total > 0 {
                let opacity = min(1, 0.2 + 0.8 * total / solid)
                if opacity < 1 { svg += "<g opacity=\"\((opacity * 100).rounded() / 100)\">" }
                defer { if opacity < 1 { svg += "</g>" } }
                var y = top + plotHeight
                for (index, label) in report.labels.enumerated() {
                    let share = tally.seconds(of: index) / total
                    guard share > 0 else { continue }
                    let h = share * plotHeight
                    y -= h
                    svg += "<rect x=\"\(num(x))\" y=\"\(num(y))\" width=\"\(num(w + 0.4))\" height=\"\(num(h + 0.2))\" fill=\"\(color(label))\"/>"
                }
            }
            let barHeight = Double(tally.faces) / Double(maxFaces) * stripHeight
            svg += "<rect x=\"\(num(x))\" y=\"\(num(top + plotHeight + 4 + stripHeight - barHeight))\" width=\"\(num(w))\" height=\"\(num(barHeight))\" fill=\"#5b6b7f\"/>"
        }
        svg += "<text x=\"\(num(left - 4))\" y=\"\(num(top + plotHeight + 4 + stripHeight))\" text-anchor=\"end\" class=\"tick\">\(maxFaces)</text>"
        // Time ticks: days, or hours for short periods.
        let size = Double(report.settings.bucketSeconds)
        let start = Double(range.lowerBound) * size, end = Double(range.upperBound + 1) * size
        let step: Double = end - start > 2 * 86_400 ? 86_400 : (end - start > 6 * 3600 ? 3 * 3600 : 3600)
        var tick = (start / step).rounded(.up) * step
        var labels = 0
        while tick <= end, labels < 16 {
            let x = left + (tick - start) / (end - start) * plotWidth
            svg += "<line x1=\"\(num(x))\" x2=\"\(num(x))\" y1=\"\(num(top))\" y2=\"\(num(top + plotHeight + 4 + stripHeight))\" stroke=\"#00000022\"/>"
            let text = step >= 86_400 ? String(UTCTime.format(tick, withTime: false).dropFirst(5)) : String(UTCTime.format(tick).suffix(5))
            svg += "<text x=\"\(num(x + 2))\" y=\"\(num(height - 4))\" class=\"tick\">\(text)</text>"
            tick += step
            labels += 1
        }
        return svg + "</svg>"
    }

    /// One horizontal bar of the labels' shares, with a legend.
    static func shareBar(_ report: EmotionReport, _ tally: FaceTime, width: Double, id: String) -> String {
        let total = tally.total
        var svg = "<svg id=\"\(id)\" class=\"chart\" viewBox=\"0 0 \(num(width)) 30\" width=\"\(num(width))\" height=\"30\" role=\"img\" shape-rendering=\"crispEdges\">"
        svg += "<title>Overall share of face time</title>"
        var x = 0.0
        for (index, label) in report.labels.enumerated() where total > 0 {
            let share = tally.seconds(of: index) / total
            guard share > 0 else { continue }
            let w = share * width
            svg += "<rect x=\"\(num(x))\" y=\"0\" width=\"\(num(w))\" height=\"30\" fill=\"\(color(label))\"><title>\(escape(label)) \(percent(share))</title></rect>"
            let text = "\(label) \(percent(share))"
            if w > Double(text.count) * 6.6 + 8 {
                svg += "<text x=\"\(num(x + 4))\" y=\"19\" class=\"barlabel\">\(escape(text))</text>"
            }
            x += w
        }
        return svg + "</svg>"
    }

    /// Days (rows) × UTC hours (columns); `value` gives a cell's value in 0...1 and its text, nil for no data.
    static func heatMap(_ report: EmotionReport, _ camera: CameraReport, width: Double, id: String, title: String,
                        hue: String, value: (FaceTime) -> (Double, String)?) -> String {
        guard let first = report.firstTime, let last = report.lastTime else { return "" }
        let firstDay = Int((first / 86_400).rounded(.down)), lastDay = Int((max(first, last - 1e-6) / 86_400).rounded(.down))
        let days = Array(firstDay...lastDay).suffix(31)
        let left = 74.0, top = 16.0
        let cell = (width - left) / 24
        let rowHeight = min(cell, 18)
        let height = top + Double(days.count) * rowHeight + 2
        var svg = "<svg id=\"\(id)\" class=\"chart\" viewBox=\"0 0 \(num(width)) \(num(height))\" width=\"\(num(width))\" height=\"\(num(height))\" role=\"img\">"
        svg += "<title>\(escape(title))</title>"
        for hour in stride(from: 0, to: 24, by: 3) {
            svg += "<text x=\"\(num(left + Double(hour) * cell + 1))\" y=\"11\" class=\"tick\">\(UTCTime.pad(hour)):00</text>"
        }
        for (row, day) in days.enumerated() {
            let y = top + Double(row) * rowHeight
            svg += "<text x=\"\(num(left - 4))\" y=\"\(num(y + rowHeight - 5))\" text-anchor=\"end\" class=\"tick\">\(UTCTime.format(Double(day) * 86_400, withTime: false))</text>"
            for hour in 0..<24 {
                let x = left + Double(hour) * cell
                let hourIndex = day * 24 + hour
                guard let tally = camera.hours[hourIndex], let (v, text) = value(tally) else {
                    svg += "<rect x=\"\(num(x))\" y=\"\(num(y))\" width=\"\(num(cell - 1))\" height=\"\(num(rowHeight - 1))\" fill=\"#f3f3f3\"/>"
                    continue
                }
                let opacity = 0.12 + 0.88 * min(max(v, 0), 1)
                svg += "<rect x=\"\(num(x))\" y=\"\(num(y))\" width=\"\(num(cell - 1))\" height=\"\(num(rowHeight - 1))\" fill=\"\(hue)\" fill-opacity=\"\((opacity * 100).rounded() / 100)\"><title>\(UTCTime.format(Double(hourIndex) * 3600)) UTC: \(escape(text))</title></rect>"
            }
        }
        return svg + "</svg>"
    }

    static func bucketName(_ seconds: Int) -> String {
        if seconds % 86_400 == 0 { return seconds == 86_400 ? "day" : "\(seconds / 86_400) days" }
        if seconds % 3600 == 0 { return seconds == 3600 ? "hour" : "\(seconds / 3600) hours" }
        if seconds % 60 == 0 { return seconds == 60 ? "minute" : "\(seconds / 60) minutes" }
        return "\(seconds) s"
    }
}
