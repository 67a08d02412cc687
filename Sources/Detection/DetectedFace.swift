import Imaging

/// A face found by a detector: its box in image pixels, a confidence, and landmarks when the detector gives them.
public struct DetectedFace: Sendable, Equatable, Codable {
    public var box: Rect
    /// Detector confidence in 0...1 (1 for detectors without scores).
    public var score: Float
    public var landmarks: FaceLandmarks?

    public init(box: Rect, score: Float, landmarks: FaceLandmarks? = nil) {
        self.box = box
        self.score = score
        self.landmarks = landmarks
    }
}

/// Five facial landmarks in image pixels, named as seen in the image (not from the subject's side).
public struct FaceLandmarks: Sendable, Equatable, Codable {
    public var leftEye: Point
    public var rightEye: Point
    public var nose: Point
    public var mouthLeft: Point
    public var mouthRight: Point

    public init(leftEye: Point, rightEye: Point, nose: Point, mouthLeft: Point, mouthRight: Point) {
        self.leftEye = leftEye
        self.rightEye = rightEye
        self.nose = nose
        self.mouthLeft = mouthLeft
        self.mouthRight = mouthRight
    }

    /// All five points in a fixed order: left eye, right eye, nose, mouth left, mouth right.
    public var points: [Point] { [leftEye, rightEye, nose, mouthLeft, mouthRight] }

    /// The landmarks mapped by `transform` (e.g. scaled back from detector input to the image).
    public func mapped(_ transform: (Point) -> Point) -> FaceLandmarks {
        FaceLandmarks(leftEye: transform(leftEye), rightEye: transform(rightEye), nose: transform(nose),
                      mouthLeft: transform(mouthLeft), mouthRight: transform(mouthRight))
    }
}
