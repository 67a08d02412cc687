import Classification
import Detection
import Imaging

/// One face of an image: where it is, and the emotion it shows.
public struct AnalyzedFace: Sendable, Equatable, Codable {
    public var detection: DetectedFace
    public var emotion: EmotionPrediction

    public init(detection: DetectedFace, emotion: EmotionPrediction) {
        self.detection = detection
        self.emotion = emotion
    }
}

/// What analysing one image found, with the time each stage took.
public struct ImageAnalysis: Sendable {
    public var width: Int
    public var height: Int
    public var faces: [AnalyzedFace]
    /// Milliseconds spent detecting.
    public var detectMilliseconds: Double
    /// Milliseconds spent cropping and classifying all faces.
    public var classifyMilliseconds: Double
}
