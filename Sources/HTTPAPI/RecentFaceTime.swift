import Foundation
import Pipeline

/// Face time per label in each of the last 60 wall-clock minutes: the live page's "last hour" chart.
public struct RecentFaceTime: Sendable, Equatable {
    /// Minutes kept.
    public static let minutes = 60
    /// Slot per minute index (seconds since 1970 / 60); at most `minutes` entries.
    private var slots: [Int: [String: Double]] = [:]

    public init() {}

    /// Adds `seconds` of face time under `label` at wall time `now` (seconds since 1970).
    public mutating func add(_ seconds: Double, label: String, now: Double) {
        guard seconds > 0 else { return }
        let minute = Int((now / 60).rounded(.down))
        slots[minute, default: [:]][label, default: 0] += seconds
        if slots.count > Self.minutes {
            let oldest = minute - Self.minutes + 1
            slots = slots.filter { $0.key >= oldest }
        }
    }

    /// The last hour up to `now`, oldest minute first, empty minutes included.
    public func document(now: Double) -> [MinuteFaceTime] {
        let current = Int((now / 60).rounded(.down))
        return ((current - Self.minutes + 1)...current).map { minute in
            MinuteFaceTime(start: EventEncoder.iso8601(Date(timeIntervalSince1970: Double(minute) * 60)),
                           seconds: (slots[minute] ?? [:]).mapValues { ($0 * 1000).rounded() / 1000 })
        }
    }
}

/// One minute of `/api/v1/summary`.
public struct MinuteFaceTime: Codable, Sendable, Equatable {
    /// The minute's start, UTC ISO 8601.
    public var start: String
    /// Face-seconds per label in that minute (labels never shown are absent).
    public var seconds: [String: Double]
}

/// The `/api/v1/summary` document: the live page's figures.
public struct SummaryDocument: Codable, Sendable, Equatable {
    /// Frames analysed per second, smoothed over about a second (nil before two frames).
    public var fps: Double?
    /// Faces in the last analysed frame.
    public var faces: Int
    /// Face time per label per minute, the last hour, oldest first.
    public var lastHour: [MinuteFaceTime]
    /// Each label's colour on the overlay (`#rrggbb`), for the charts.
    public var colors: [String: String]
    /// Whether `/snapshot.jpg` serves frames.
    public var snapshots: Bool
}
