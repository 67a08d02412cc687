/// What a report covers: the period, the bucket size, the cameras, the emotion the heat map follows.
public struct ReportSettings: Sendable, Equatable {
    /// Bucket length in seconds (buckets start at UTC multiples of it).
    public var bucketSeconds: Int
    /// Only face time at or after this (seconds since 1970, UTC); nil: from the first event.
    public var since: Double?
    /// Only face time before this; nil: to the last event.
    public var until: Double?
    /// Only these cameras (the events' `source`, or its last path component); empty: all.
    public var cameras: [String]
    /// The emotion whose share the second heat map shows.
    public var focusEmotion: String

    public init(bucketSeconds: Int = 900, since: Double? = nil, until: Double? = nil,
                cameras: [String] = [], focusEmotion: String = "happy") {
        self.bucketSeconds = bucketSeconds
        self.since = since
        self.until = until
        self.cameras = cameras
        self.focusEmotion = focusEmotion
    }

    /// Whether events from `source` are in the report.
    func includes(source: String) -> Bool {
        cameras.isEmpty || cameras.contains(source) || cameras.contains(ReportSettings.shortName(source))
    }

    /// `/dev/video0` → `video0`, `/var/lib/clips/door.mp4` → `door.mp4`.
    public static func shortName(_ source: String) -> String {
        source.split(separator: "/").last.map(String.init) ?? source
    }

    /// Parses a bucket length: `30s`, `15m`, `1h`, `1d` or a number of seconds.
    public static func parseDuration(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var digits = Substring(text)
        var unit = 1
        if let last = text.last, let scale = units[last] { unit = scale; digits = text.dropLast() }
        guard let value = Int(digits), value > 0, value <= 366 * 86_400 / unit else { return nil }
        return value * unit
    }

    /// Parses `2026-12-04`, `2026-12-04T09:30`, `2026-12-04T09:30:00Z` (all UTC).
    public static func parseTime(_ text: String) -> Double? {
        var s = text
        if s.count == 10 { s += "T00:00:00Z" } else if s.count == 16 { s += ":00Z" } else if s.count == 19 { s += "Z" }
        return UTCTime.parse(s)
    }
}
