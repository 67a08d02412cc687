import Imaging

/// Anything that finds faces in an image. Implementations are not thread-safe: one per thread.
public protocol FaceDetector: AnyObject {
    /// A short name for logs and reports ("yunet").
    var name: String { get }
    /// Faces in `image`, best first, boxes in the image's pixel coordinates.
    func detect(in image: Image) throws -> [DetectedFace]
}
