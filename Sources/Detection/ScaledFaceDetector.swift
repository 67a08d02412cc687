import Imaging

/// Runs another detector on images scaled down to at most `width` pixels wide (aspect kept) and maps its
/// boxes and landmarks back to the image: `--detector-width` for detectors that take any input size.
public final class ScaledFaceDetector: FaceDetector {
    public let base: FaceDetector
    public let width: Int
    public var name: String { base.name }
    public var landmarkPrior: LandmarkPrior { base.landmarkPrior }

    public init(_ base: FaceDetector, width: Int) {
        self.base = base
        self.width = width
    }

    public func detect(in image: Image) throws -> [DetectedFace] {
        guard image.width > width else { return try base.detect(in: image) }
        let height = max(1, Int((Double(image.height) * Double(width) / Double(image.width)).rounded()))
        let sx = Float(image.width) / Float(width), sy = Float(image.height) / Float(height)
        return try base.detect(in: image.resized(width: width, height: height)).map { face in
            DetectedFace(box: face.box.scaled(x: sx, y: sy), score: face.score,
                         landmarks: face.landmarks?.mapped { Point(x: $0.x * sx, y: $0.y * sy) })
        }
    }
}
