/// The two non-maximum suppressions of facenet-pytorch's `detect_face`.
enum MTCNNSuppression {
    /// torchvision's `nms`: boxes by descending score (stable), IoU with areas `(x2 - x1)(y2 - y1)`;
    /// a box is dropped when its IoU with a kept one exceeds `threshold`. Returns the kept boxes, best first.
    static func iou(_ boxes: [MTCNNBox], threshold: Float) -> [MTCNNBox] {
        let order = boxes.indices.sorted { boxes[$0].score > boxes[$1].score || (boxes[$0].score == boxes[$1].score && $0 < $1) }
        var suppressed = [Bool](repeating: false, count: boxes.count)
        var kept: [MTCNNBox] = []
        for (rank, i) in order.enumerated() where !suppressed[i] {
            let a = boxes[i]
            kept.append(a)
            let areaA = (a.x2 - a.x1) * (a.y2 - a.y1)
            for j in order[(rank + 1)...] where !suppressed[j] {
                let b = boxes[j]
                let w = max(min(a.x2, b.x2) - max(a.x1, b.x1), 0)
                let h = max(min(a.y2, b.y2) - max(a.y1, b.y1), 0)
                let inter = w * h
                let areaB = (b.x2 - b.x1) * (b.y2 - b.y1)
                if inter / (areaA + areaB - inter) > threshold { suppressed[j] = true }
            }
        }
        return kept
    }

    /// facenet-pytorch's `nms_numpy` with method 'Min': sizes with +1, overlap = intersection over the
    /// smaller area; a box is dropped when that exceeds `threshold`. Returns the kept indices, best first.
    static func minimum(_ boxes: [MTCNNBox], threshold: Float) -> [Int] {
        let order = boxes.indices.sorted { boxes[$0].score > boxes[$1].score || (boxes[$0].score == boxes[$1].score && $0 < $1) }
        var suppressed = [Bool](repeating: false, count: boxes.count)
        var kept: [Int] = []
        for (rank, i) in order.enumerated() where !suppressed[i] {
            let a = boxes[i]
            kept.append(i)
            let areaA = (a.x2 - a.x1 + 1) * (a.y2 - a.y1 + 1)
            for j in order[(rank + 1)...] where !suppressed[j] {
                let b = boxes[j]
                let w = max(min(a.x2, b.x2) - max(a.x1, b.x1) + 1, 0)
                let h = max(min(a.y2, b.y2) - max(a.y1, b.y1) + 1, 0)
                let areaB = (b.x2 - b.x1 + 1) * (b.y2 - b.y1 + 1)
                if w * h / min(areaA, areaB) > threshold { suppressed[j] = true }
            }
        }
        return kept
    }
}
