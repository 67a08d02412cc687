import Detection
import Imaging

/// A face followed by a `FaceTracker`: its current box, a stable identity and how sure the tracker is.
public struct TrackedFace: Sendable, Equatable {
    /// Stable identity, monotonic from 1 in the order tracks are confirmed; 0 while the track is tentative.
    public var id: Int
    /// The face's box in frame pixels: the detection on detector frames, the visually tracked box in between.
    public var box: Rect
    /// The detector's landmarks, carried along with the box's motion (shift and scale) between detections;
    /// nil when the detector gives none.
    public var landmarks: FaceLandmarks?
    /// True once the track has been seen in `Options.minHits` detections (or one detection with a high score).
    public var isConfirmed: Bool
    /// Presentation time of the first detection of this face, in seconds.
    public var firstSeen: Double
    /// Presentation time of the last detection matched to this track, in seconds.
    public var lastDetected: Double
    /// The score of the last matched detection (0...1).
    public var detectionScore: Float
    /// Peak normalised cross-correlation of the last visual search, in 0...1 (1 on a frame where a detection
    /// matched): low values mean the tracker is losing the face.
    public var trackingConfidence: Float

    public init(id: Int, box: Rect, landmarks: FaceLandmarks?, isConfirmed: Bool, firstSeen: Double,
                lastDetected: Double, detectionScore: Float, trackingConfidence: Float) {
        self.id = id
        self.box = box
        self.landmarks = landmarks
        self.isConfirmed = isConfirmed
        self.firstSeen = firstSeen
        self.lastDetected = lastDetected
        self.detectionScore = detectionScore
        self.trackingConfidence = trackingConfidence
    }
}
