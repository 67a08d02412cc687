import Imaging

/// A detector that works on grey images: callers holding a luma plane (camera frames) hand it over
/// directly instead of converting to RGB first.
public protocol GreyFaceDetector: FaceDetector {
    /// Faces in a `gray8` image, best first, boxes in its pixel coordinates.
    func detect(grey: Image) throws -> [DetectedFace]
}
