import Foundation

/// The `/api/v1/tracks` document: the tracks visible in the last analysed frame.
public struct TracksDocument: Codable, Sendable, Equatable {
    /// The source's frame number of that frame (nil before the first frame).
    public var frame: Int?
    /// Stream time of that frame, in seconds.
    public var t: Double?
    public var tracks: [TrackView]
}

/// One current track: where it is and its smoothed emotion.
public struct TrackView: Codable, Sendable, Equatable {
    public var id: Int
    public var box: BoxView
    /// The smoothed label (`uncertain` while the top probability is below the threshold), nil until the face
    /// has been classified.
    public var emotion: String?
    /// True while the face is `uncertain`; nil until it has been classified.
    public var uncertain: Bool?
    public var confidence: Double?
    /// Smoothed probability per label.
    public var probabilities: [String: Double]?
    /// Seconds since the track started.
    public var ageSeconds: Double
}

/// A face box in frame pixels.
public struct BoxView: Codable, Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
}

/// The `/healthz` document.
public struct HealthReport: Codable, Sendable, Equatable {
    /// `ok` (frames in the last `stallAfter` seconds), `starting`, `waiting` (camera gone), `stalled` or `ended`.
    public var status: String
    /// The source state: starting, streaming, waiting or ended.
    public var source: String
    /// One line on the source ("streaming 640x480 mjpeg 30 fps", "waiting for /dev/video0: no such device").
    public var detail: String
    /// Seconds since the last analysed frame; nil before the first.
    public var lastFrameAgeSeconds: Double?
    public var framesAnalyzed: Int

    /// HTTP 200 only when frames flow.
    public var isHealthy: Bool { status == "ok" }
}

extension JSONEncoder {
    /// snake_case keys, sorted, for the HTTP documents.
    static let api: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys]
        return e
    }()
}
