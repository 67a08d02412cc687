import Foundation

/// One line of fer-live's event log, with the fields a report reads (the README's "Events" schema).
public struct LoggedEvent: Decodable, Sendable, Equatable {
    /// `track_start`, `emotion`, `track_end`, `stats` or `source`.
    public var type: String
    /// Wall-clock time of the line, seconds since 1970 (UTC).
    public var time: Double
    /// The camera: the device path or file name.
    public var source: String
    /// Stream time in seconds.
    public var t: Double?
    public var track: Int?
    /// `emotion`: the smoothed label (or `uncertain`).
    public var emotion: String?
    /// `track_end`: seconds the face was seen.
    public var dwellSeconds: Double?
    /// `track_end`: stream time of the first and last sighting.
    public var firstSeen: Double?
    public var lastSeen: Double?
    /// `track_end`: fraction of the time under each label.
    public var emotionShare: [String: Double]?
    /// `source`: the model that labelled the faces, when the log names it.
    public var model: String?

    enum CodingKeys: String, CodingKey {
        case type, time, source, t, track, emotion, model
        case dwellSeconds = "dwell_seconds", firstSeen = "first_seen", lastSeen = "last_seen"
        case emotionShare = "emotion_share"
    }

    public init(type: String, time: Double, source: String, t: Double? = nil, track: Int? = nil,
                emotion: String? = nil, dwellSeconds: Double? = nil, firstSeen: Double? = nil,
                lastSeen: Double? = nil, emotionShare: [String: Double]? = nil, model: String? = nil) {
        self.type = type; self.time = time; self.source = source; self.t = t; self.track = track
        self.emotion = emotion; self.dwellSeconds = dwellSeconds; self.firstSeen = firstSeen
        self.lastSeen = lastSeen; self.emotionShare = emotionShare; self.model = model
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        let stamp = try c.decode(String.self, forKey: .time)
        guard let seconds = UTCTime.parse(stamp) else {
            throw DecodingError.dataCorruptedError(forKey: .time, in: c, debugDescription: "not an ISO 8601 UTC time: \(stamp)")
        }
        time = seconds
        source = try c.decode(String.self, forKey: .source)
        t = try c.decodeIfPresent(Double.self, forKey: .t)
        track = try c.decodeIfPresent(Int.self, forKey: .track)
        emotion = try c.decodeIfPresent(String.self, forKey: .emotion)
        dwellSeconds = try c.decodeIfPresent(Double.self, forKey: .dwellSeconds)
        firstSeen = try c.decodeIfPresent(Double.self, forKey: .firstSeen)
        lastSeen = try c.decodeIfPresent(Double.self, forKey: .lastSeen)
        emotionShare = try c.decodeIfPresent([String: Double].self, forKey: .emotionShare)
        model = try c.decodeIfPresent(String.self, forKey: .model)
    }

    /// The event types a report reads; other lines (`stats`, unknown future types) are skipped.
    static let relevantTypes: Set<String> = ["track_start", "emotion", "track_end", "source"]
}

/// UTC calendar arithmetic without time zones or DST: what the logs and the report use.
public enum UTCTime {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` (the logs' format; a `+00:00` suffix is accepted too).
    public static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { b -> Double? in
            func digits(_ at: Int, _ n: Int) -> Int? {
                guard at + n <= b.count else { return nil }
                var v = 0
                for i in at..<(at + n) {
                    let d = Int(b[i]) - 48
                    guard d >= 0, d <= 9 else { return nil }
                    v = v * 10 + d
                }
                return v
            }
            guard b.count >= 19, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x20,
                  b[13] == 0x3A, b[16] == 0x3A,
                  let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
                  let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
                  (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
            else { return nil }
            var i = 19
            var fraction = 0.0
            if i < b.count, b[i] == 0x2E {
                i += 1
                var scale = 0.1
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    fraction += Double(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
            }
            let rest = b.count - i
            let isUTC = (rest == 1 && b[i] == 0x5A)
                || (rest == 6 && b[i] == 0x2B && b[i + 1] == 0x30 && b[i + 2] == 0x30 && b[i + 4] == 0x30 && b[i + 5] == 0x30)
            guard isUTC else { return nil }
            let days = daysFromCivil(year: year, month: month, day: day)
            return Double(days * 86_400 + hour * 3600 + minute * 60 + second) + fraction
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm, proleptic Gregorian).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The calendar date of a day number (inverse of `daysFromCivil`).
    public static func civil(fromDays z: Int) -> (year: Int, month: Int, day: Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `2026-12-04 09:15` (minutes) or `2026-12-04` (`withTime: false`), UTC.
    public static func format(_ seconds: Double, withTime: Bool = true) -> String {
        let whole = Int(seconds.rounded(.down))
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let (y, m, d) = civil(fromDays: days)
        let date = "\(y)-\(pad(m))-\(pad(d))"
        guard withTime else { return date }
        let inDay = whole - days * 86_400
        return "\(date) \(pad(inDay / 3600)):\(pad(inDay % 3600 / 60))"
    }

    static func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
