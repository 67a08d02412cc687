import Imaging

/// Anything that finds faces in an image. Implementations are not thread-safe: one per thread.
public protocol FaceDetector: AnyObject {
    /// A short name for logs and reports ("yunet").
    var name: String { get }
    /// Faces in `image`, best first, boxes in the image's pixel coordinates.
    func detect(in image: Image) throws -> [DetectedFace]
    /// Where this detector's landmarks fall in its boxes on average: the face's shape when a face has none.
    var landmarkPrior: LandmarkPrior { get }
}

extension DetectedFace {
    /// The detector's landmarks, or `prior`'s placed in the box when the detector gave none.
    public func landmarks(orPrior prior: LandmarkPrior) -> FaceLandmarks {
        landmarks ?? prior.landmarks(in: box)
    }
}
