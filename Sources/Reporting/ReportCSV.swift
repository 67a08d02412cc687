import Foundation

/// The report as CSV for spreadsheets: one row per bucket and camera, empty buckets included.
public enum ReportCSV {
    /// Columns: `bucket_start` (UTC, ISO 8601), `camera`, `faces`, `face_seconds`, then `<label>_seconds`
    /// and `<label>_share` for every label (shares of labelled face time, 0 when there is none).
    public static func render(_ report: EmotionReport) -> String {
        var out = "bucket_start,camera,faces,face_seconds"
        for label in report.labels { out += ",\(label)_seconds" }
        for label in report.labels { out += ",\(label)_share" }
        out += "\n"
        guard let range = report.bucketRange else { return out }
        let size = Double(report.settings.bucketSeconds)
        for bucket in range {
            let start = UTCTime.format(Double(bucket) * size).replacingOccurrences(of: " ", with: "T") + ":00Z"
            for camera in report.cameras {
                let tally = camera.buckets[bucket] ?? FaceTime()
                out += "\(start),\(field(camera.source)),\(tally.faces),\(fixed(tally.total, 3))"
                for i in report.labels.indices { out += "," + fixed(tally.seconds(of: i), 3) }
                for i in report.labels.indices { out += "," + fixed(tally.share(of: i), 4) }
                out += "\n"
            }
        }
        return out
    }

    /// RFC 4180 quoting when needed.
    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func fixed(_ v: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (v * scale).rounded() / scale
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
