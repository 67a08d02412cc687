import Imaging

/// Greedy non-maximum suppression, as OpenCV's `NMSBoxes` does it.
public enum NonMaximumSuppression {
    /// Keeps the best-scoring faces, dropping any whose IoU with a kept face exceeds `threshold`.
    public static func apply(_ faces: [DetectedFace], iouThreshold threshold: Float, limit: Int = .max) -> [DetectedFace] {
        let sorted = faces.sorted { $0.score > $1.score }
        var kept: [DetectedFace] = []
        for face in sorted {
            if kept.count >= limit { break }
            if kept.allSatisfy({ $0.box.iou(face.box) <= threshold }) { kept.append(face) }
        }
        return kept
    }
}
