import Imaging

/// Where a detector's five landmarks fall inside its box on average, in unit box coordinates
/// (0,0 = the box's top-left corner, 1,1 = its bottom-right): the face's shape for crops when a detector
/// gives no landmarks (Haar) or none are at hand.
///
/// The shipped priors were measured by `fer-live bench framing` (medians over FER2013 train faces
/// re-embedded in larger images; for Haar, YuNet's landmarks of the same faces in Haar's boxes).
public struct LandmarkPrior: Sendable, Equatable, Codable {
    /// Left eye, right eye, nose, mouth left, mouth right (as seen in the image), in unit box coordinates.
    public var points: [Point]

    public init(points: [Point]) {
        precondition(points.count == 5, "LandmarkPrior needs five points")
        self.points = points
    }

    /// The prior's landmarks placed in `box` (image pixels).
    public func landmarks(in box: Rect) -> FaceLandmarks {
        let p = points.map { Point(x: box.x + $0.x * box.width, y: box.y + $0.y * box.height) }
        return FaceLandmarks(leftEye: p[0], rightEye: p[1], nose: p[2], mouthLeft: p[3], mouthRight: p[4])
    }

    /// The median position of each landmark in unit box coordinates over `faces` (those with landmarks),
    /// or nil when none has landmarks.
    public static func measured(from faces: [(box: Rect, landmarks: FaceLandmarks)]) -> LandmarkPrior? {
        guard !faces.isEmpty else { return nil }
        let points = (0..<5).map { k -> Point in
            let xs = faces.map { ($0.landmarks.points[k].x - $0.box.x) / $0.box.width }
            let ys = faces.map { ($0.landmarks.points[k].y - $0.box.y) / $0.box.height }
            return Point(x: median(xs), y: median(ys))
        }
        return LandmarkPrior(points: points)
    }

    /// The mean of these points and their mirror image (x → 1 − x, left and right swapped): frontal faces are
    /// symmetric on average, and the classifiers are trained on mirrored faces too.
    public var symmetrised: LandmarkPrior {
        let mirrored = [points[1], points[0], points[2], points[4], points[3]].map { Point(x: 1 - $0.x, y: $0.y) }
        return LandmarkPrior(points: zip(points, mirrored).map { Point(x: ($0.x + $1.x) / 2, y: ($0.y + $1.y) / 2) })
    }

    /// YuNet-s (measured by `fer-live bench framing`, 2026-12-04: 2,781 of 2,871 FER2013 train faces found).
    public static let yunet = LandmarkPrior(points: [
        Point(x: 0.2677, y: 0.3731), Point(x: 0.7323, y: 0.3731), Point(x: 0.5000, y: 0.5804),
        Point(x: 0.3143, y: 0.7517), Point(x: 0.6857, y: 0.7517)
    ])
    /// MTCNN (measured by `fer-live bench framing`, 2026-12-04: 2,570 of 2,871 faces).
    public static let mtcnn = LandmarkPrior(points: [
        Point(x: 0.2670, y: 0.3805), Point(x: 0.7330, y: 0.3805), Point(x: 0.5000, y: 0.5896),
        Point(x: 0.3071, y: 0.7650), Point(x: 0.6929, y: 0.7650)
    ])
    /// OpenCV's Haar frontal-face cascade: YuNet's landmarks in Haar's boxes (measured by `fer-live bench framing`,
    /// 2026-12-04: 2,201 of 2,871 faces).
    public static let haar = LandmarkPrior(points: [
        Point(x: 0.3069, y: 0.3780), Point(x: 0.6931, y: 0.3780), Point(x: 0.5000, y: 0.5999),
        Point(x: 0.3435, y: 0.7813), Point(x: 0.6565, y: 0.7813)
    ])
}

/// The median of a non-empty list (the mean of the middle two for an even count).
func median(_ values: [Float]) -> Float {
    let s = values.sorted()
    let n = s.count
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
}
