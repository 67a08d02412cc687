import Classification
import Detection
import Dispatch
import Imaging

/// Detects every face of an image and classifies the emotion of each. One per thread.
public final class FaceAnalyzer {
    public let detector: FaceDetector
    public let classifier: EmotionClassifier
    /// Faces whose shorter side is below this many image pixels are ignored: too few pixels to read.
    public var minimumFaceSize: Float = 8
    /// Align crops on the detector's landmarks, when it gives them (otherwise on its landmark prior in the box).
    public var levelEyes = true

    public init(detector: FaceDetector, classifier: EmotionClassifier) {
        self.detector = detector
        self.classifier = classifier
    }

    /// Faces in `image` with their emotions, largest first.
    public func analyze(_ image: Image) throws -> ImageAnalysis {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let detections = try detector.detect(in: image)
            .filter { min($0.box.width, $0.box.height) >= minimumFaceSize }
            .sorted { $0.box.area > $1.box.area }
        let t1 = DispatchTime.now().uptimeNanoseconds
        let faces = try detections.map { AnalyzedFace(detection: $0, emotion: try classify(image, $0)) }
        let t2 = DispatchTime.now().uptimeNanoseconds
        return ImageAnalysis(width: image.width, height: image.height, faces: faces,
                             detectMilliseconds: Double(t1 - t0) / 1e6, classifyMilliseconds: Double(t2 - t1) / 1e6)
    }

    /// The emotion of one detected face.
    public func classify(_ image: Image, _ face: DetectedFace) throws -> EmotionPrediction {
        try classifier.classify(face: try crop(image, face))
    }

    /// The classifier's input for one detected face: aligned on its landmarks (or the detector's prior in its box).
    public func crop(_ image: Image, _ face: DetectedFace) throws -> Image {
        let landmarks = (levelEyes ? face.landmarks : nil) ?? detector.landmarkPrior.landmarks(in: face.box)
        return try classifier.crop(image, box: face.box, landmarks: landmarks.points)
    }
}
