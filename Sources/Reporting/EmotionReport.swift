/// Face time per label over one stretch of time (a bucket, an hour, a whole camera).
public struct FaceTime: Sendable, Equatable {
    /// Seconds of face time under each label, indexed like `EmotionReport.labels`.
    public var seconds: [Double]
    /// Faces (tracks) seen in this stretch; a face seen across several stretches counts in each.
    public var faces: Int

    public init(seconds: [Double] = [], faces: Int = 0) {
        self.seconds = seconds
        self.faces = faces
    }

    /// All labelled face time, uncertain included.
    public var total: Double { seconds.reduce(0, +) }

    /// Seconds under label `index` (0 when never seen).
    public func seconds(of index: Int) -> Double { index < seconds.count ? seconds[index] : 0 }

    /// `label`'s share of the labelled face time (0 when there is none).
    public func share(of index: Int) -> Double {
        let total = self.total
        return total > 0 ? seconds(of: index) / total : 0
    }

    mutating func add(_ value: Double, to index: Int) {
        if index >= seconds.count { seconds.append(contentsOf: repeatElement(0, count: index + 1 - seconds.count)) }
        seconds[index] += value
    }

    mutating func merge(_ other: FaceTime) {
        for (i, v) in other.seconds.enumerated() { add(v, to: i) }
        faces += other.faces
    }
}

/// One camera's part of a report.
public struct CameraReport: Sendable, Equatable {
    /// The events' `source` (device path or file name).
    public var source: String
    /// Faces (tracks) seen in the period.
    public var tracks: Int
    /// Median seconds a face stayed (nil without finished tracks).
    public var medianDwell: Double?
    /// Face time over the whole period.
    public var total: FaceTime
    /// Face time per bucket, by bucket index (seconds since 1970 / bucket length); empty buckets absent.
    public var buckets: [Int: FaceTime]
    /// Face time per UTC hour, by hour index (seconds since 1970 / 3600).
    public var hours: [Int: FaceTime]

    /// The short name shown in the report (`video0` for `/dev/video0`).
    public var name: String { ReportSettings.shortName(source) }
}

/// A bucket where one emotion's share rose most against the bucket before it with faces.
public struct Moment: Sendable, Equatable {
    /// Start of the bucket (seconds since 1970).
    public var start: Double
    public var label: String
    /// The label's share in the bucket before and in this one.
    public var before: Double
    public var after: Double
    /// Face time in this bucket.
    public var faceSeconds: Double
}

/// What was read to make a report: lines, problems, and where they were.
public struct InputTally: Sendable, Equatable {
    public var files = 0
    public var lines = 0
    /// Lines that are not an event (truncated, not JSON, missing fields), counted, not fatal.
    public var badLines = 0
    /// The first few bad lines as `file:line: reason`.
    public var badLineExamples: [String] = []
    /// Lines that repeat an event already counted (a log given twice, copytruncate overlap).
    public var duplicates = 0
    /// Tracks whose `track_end` is not in the logs (cut off by rotation or a crash): closed at their last event.
    public var unfinishedTracks = 0
    /// Damaged compressed files (read up to the damage).
    public var damagedFiles: [String] = []
    public init() {}
}

/// A report's numbers: everything the HTML page and the CSV show, aggregated from event logs.
public struct EmotionReport: Sendable, Equatable {
    public var settings: ReportSettings
    /// Labels in display order: the seven emotions as the models order them, then any other, then `uncertain`.
    public var labels: [String]
    /// Per camera, by name.
    public var cameras: [CameraReport]
    /// All cameras together.
    public var overall: CameraReport
    /// First and last second of face time in the report (nil when there is none).
    public var firstTime: Double?
    public var lastTime: Double?
    /// Biggest rises of one emotion's share between neighbouring buckets, largest first.
    public var moments: [Moment]
    /// The models named in the logs' `source` events.
    public var models: [String]
    public var input: InputTally

    /// Index of `uncertain` in `labels`, if any face was uncertain.
    public var uncertainIndex: Int? { labels.firstIndex(of: "uncertain") }

    /// Indices of the emotion labels (everything but `uncertain`).
    public var emotionIndices: [Int] { labels.indices.filter { labels[$0] != "uncertain" } }

    /// The share of labelled face time that was `uncertain`.
    public var uncertainShare: Double { uncertainIndex.map { overall.total.share(of: $0) } ?? 0 }

    /// Bucket indices from the first to the last bucket with face time (empty ones included).
    public var bucketRange: ClosedRange<Int>? {
        guard let first = firstTime, let last = lastTime else { return nil }
        let size = Double(settings.bucketSeconds)
        return Int((first / size).rounded(.down))...Int((max(first, last - 1e-6) / size).rounded(.down))
    }

    /// Whether there is anything to show.
    public var isEmpty: Bool { overall.tracks == 0 }
}
