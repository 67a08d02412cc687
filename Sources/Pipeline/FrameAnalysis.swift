import Classification
import Detection
import Imaging
import Tracking

/// What the analysis stage found in one frame: the tracked faces with their smoothed emotions, and what changed.
public struct FrameAnalysis: Sendable {
    /// The source's frame number.
    public var sequence: Int
    /// Stream time of the frame, in seconds.
    public var time: Double
    /// Whether the detector ran on this frame (otherwise the tracker alone placed the boxes).
    public var detected: Bool
    /// Every confirmed track visible in this frame.
    public var faces: [FaceState]
    /// Tracks confirmed in this frame.
    public var started: [FaceState]
    /// Tracks that ended in this frame, with their summaries.
    public var ended: [TrackSummary]
    /// Smoothed label changes to report (already rate-limited).
    public var emotionChanges: [EmotionChange]
    /// Milliseconds spent in each step of the analysis.
    public var timings: StageTimings


    public init(sequence: Int, time: Double, detected: Bool, faces: [FaceState], started: [FaceState],
                ended: [TrackSummary], emotionChanges: [EmotionChange], timings: StageTimings) {
        self.sequence = sequence
        self.time = time
        self.detected = detected
        self.faces = faces
        self.started = started
        self.ended = ended
        self.emotionChanges = emotionChanges
        self.timings = timings
    }
}

/// One tracked face in one frame.
public struct FaceState: Sendable {
    /// The track's stable ID.
    public var id: Int
    /// The face box in frame pixels.
    public var box: Rect
    /// Landmarks in frame pixels, when the detector gives them.
    public var landmarks: FaceLandmarks?
    /// Smoothed emotion, once the track has been classified at least once.
    public var emotion: SmoothedEmotion?
    /// The classifier's raw output if the face was classified in this frame.
    public var prediction: EmotionPrediction?
    /// Seconds since the track started.
    public var age: Double


    public init(id: Int, box: Rect, landmarks: FaceLandmarks?, emotion: SmoothedEmotion?, prediction: EmotionPrediction?,
                age: Double) {
        self.id = id
        self.box = box
        self.landmarks = landmarks
        self.emotion = emotion
        self.prediction = prediction
        self.age = age
    }
}

/// A track's smoothed emotion: the label after hysteresis and the averaged probabilities.
public struct SmoothedEmotion: Sendable, Equatable {
    /// The label shown and reported: the most probable emotion, or `uncertain` when its probability is below
    /// the configured threshold.
    public var label: String
    /// The smoothed probability of the most probable emotion.
    public var confidence: Float
    public var labels: [String]
    public var probabilities: [Float]
    /// The most probable emotion, even when it is too unsure to be the label.
    public var topLabel: String
    /// True when `label` is `uncertain`.
    public var isUncertain: Bool { label == SmoothedEmotion.uncertainLabel }

    /// The label of a face whose most probable emotion is below the threshold.
    public static let uncertainLabel = "uncertain"

    public init(label: String, confidence: Float, labels: [String], probabilities: [Float], topLabel: String? = nil) {
        self.label = label
        self.confidence = confidence
        self.labels = labels
        self.probabilities = probabilities
        self.topLabel = topLabel ?? label
    }
}

/// A change of a track's smoothed label, for the `emotion` event.
public struct EmotionChange: Sendable {
    public var track: Int
    public var previous: String?
    public var emotion: SmoothedEmotion


    public init(track: Int, previous: String?, emotion: SmoothedEmotion) {
        self.track = track
        self.previous = previous
        self.emotion = emotion
    }
}

/// Everything known about a track when it ends, for the `track_end` event.
public struct TrackSummary: Sendable {
    public var track: Int
    public var firstSeen: Double
    public var lastSeen: Double
    /// Why the track ended ("lost", "left the frame", "end of stream").
    public var reason: String
    /// Fraction of the classified time spent under each smoothed label (sums to 1 when anything was classified).
    public var emotionShare: [String: Double]
    /// Mean confidence of the smoothed label over the track's classified time.
    public var meanConfidence: Double?
    /// The label with the largest share.
    public var dominantEmotion: String?
    /// Seconds the track was followed.
    public var dwell: Double { max(0, lastSeen - firstSeen) }


    public init(track: Int, firstSeen: Double, lastSeen: Double, reason: String, emotionShare: [String: Double],
                meanConfidence: Double?, dominantEmotion: String?) {
        self.track = track
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.reason = reason
        self.emotionShare = emotionShare
        self.meanConfidence = meanConfidence
        self.dominantEmotion = dominantEmotion
    }
}

/// Milliseconds per analysis step for one frame.
public struct StageTimings: Sendable {
    public var decode: Double = 0
    public var detect: Double = 0
    public var track: Double = 0
    public var classify: Double = 0
    public var classified: Int = 0
    public init() {}
}
