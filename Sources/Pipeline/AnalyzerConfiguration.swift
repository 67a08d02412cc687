/// How often the expensive stages run, and how results are smoothed.
public struct AnalyzerConfiguration: Sendable {
    /// Run the detector on every Nth frame; the visual tracker follows faces in between (1 = every frame).
    public var detectEvery: Int = 5
    /// Width the frame is scaled to for the detector (aspect kept; smaller frames are used as they are).
    /// nil: half the frame width, within 320...640 (a 640x480 webcam is detected at 320, 1080p at 640,
    /// where faces of 26 px are still found; see `AnalyzerConfiguration.automaticDetectionWidth`).
    public var detectionWidth: Int?
    /// Faces whose shorter side is below this many frame pixels are ignored.
    public var minimumFaceSize: Float = 8
    /// Seconds of stream time between two classifications of one track (0: every frame).
    public var classifyInterval: Double = 0.1
    /// Most classifications per frame (tracks waiting longest go first; 0: no limit).
    public var classificationsPerFrame: Int = 2
    /// Time constant, in seconds, of the per-track exponential average of the probabilities.
    public var smoothingTime: Double = 0.5
    /// Minimum seconds between two `emotion` events of one track (a label change inside the window is
    /// reported when the window ends, if it still holds).
    public var emotionEventInterval: Double = 1.0
    /// Align face crops on the detector's landmarks when it gives them (else on its landmark prior in the box).
    public var levelEyes = true
    /// A face whose smoothed top probability is below this is shown and reported as `uncertain` instead of a
    /// label (0: never); it shows a label again once the probability reaches this + 0.05. The default: with calibrated probabilities, below 0.5 the label is more likely wrong
    /// than right (on FER2013 val, fer_resnet24's labels below 0.5 are right 44 % of the time).
    public var uncertainBelow: Float = 0.5

    public init() {}

    /// The detection width used for frames `frameWidth` pixels wide when none is set.
    public static func automaticDetectionWidth(frameWidth: Int) -> Int {
        min(640, max(320, frameWidth / 2))
    }

    /// The detection width for frames `frameWidth` pixels wide.
    public func detectionWidth(frameWidth: Int) -> Int {
        detectionWidth ?? Self.automaticDetectionWidth(frameWidth: frameWidth)
    }

    /// Checks the values; the message names the option.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw PipelineError.invalidConfiguration(message) }
        }
        try check(uncertainBelow >= 0 && uncertainBelow <= 1, "uncertain-below must be in 0...1, got \(uncertainBelow)")
        try check(detectEvery >= 1 && detectEvery <= 1000, "detect-every must be in 1...1000, got \(detectEvery)")
        if let detectionWidth {
            try check(detectionWidth >= 32 && detectionWidth <= 4096,
                      "detector-width must be in 32...4096, got \(detectionWidth)")
        }
        try check(classifyInterval >= 0 && classifyInterval.isFinite,
                  "classify-interval must be ≥ 0 seconds, got \(classifyInterval)")
        try check(classificationsPerFrame >= 0, "classifications per frame must be ≥ 0")
        try check(smoothingTime >= 0 && smoothingTime.isFinite, "smoothing must be ≥ 0 seconds, got \(smoothingTime)")
        try check(emotionEventInterval >= 0 && emotionEventInterval.isFinite,
                  "emotion event interval must be ≥ 0 seconds, got \(emotionEventInterval)")
    }
}
