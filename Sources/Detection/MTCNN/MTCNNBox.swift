/// A face candidate between MTCNN's stages: corners as facenet-pytorch keeps them, a score and a box regression.
///
/// Coordinates follow the reference implementation (inherited from the MATLAB original): `x1, y1`
/// are one-based and `x2, y2` inclusive, so the pixels covered are columns `x1 - 1 ..< x2` in
/// zero-based terms. The arithmetic below keeps facenet-pytorch's formulas and evaluation order.
struct MTCNNBox: Equatable {
    var x1: Float, y1: Float, x2: Float, y2: Float
    var score: Float
    /// Regression offsets (dx1, dy1, dx2, dy2) in units of the box size.
    var regression: SIMD4<Float> = .zero

    /// P-Net's regression (`qq1 = x1 + dx1 · (x2 - x1)`: no +1 in the size, as in `detect_face`).
    func proposalRegressed() -> MTCNNBox {
        let w = x2 - x1, h = y2 - y1
        return MTCNNBox(x1: x1 + regression[0] * w, y1: y1 + regression[1] * h,
                        x2: x2 + regression[2] * w, y2: y2 + regression[3] * h, score: score)
    }

    /// `bbreg`: the regression of R-Net and O-Net, with sizes `x2 - x1 + 1`.
    func regressed() -> MTCNNBox {
        let w = x2 - x1 + 1, h = y2 - y1 + 1
        return MTCNNBox(x1: x1 + regression[0] * w, y1: y1 + regression[1] * h,
                        x2: x2 + regression[2] * w, y2: y2 + regression[3] * h, score: score, regression: regression)
    }

    /// `rerec`: the square with the box's centre and its larger side.
    func squared() -> MTCNNBox {
        let h = y2 - y1, w = x2 - x1
        let l = max(w, h)
        var box = self
        box.x1 = x1 + w * 0.5 - l * 0.5
        box.y1 = y1 + h * 0.5 - l * 0.5
        box.x2 = box.x1 + l
        box.y2 = box.y1 + l
        return box
    }

    /// `pad`: the pixels the next stage crops, zero-based and half-open, clipped to the image
    /// (corners truncated toward zero), or nil when nothing of the box lies in the image.
    func cropRegion(imageWidth: Int, imageHeight: Int) -> (x: Int, y: Int, width: Int, height: Int)? {
        guard x1.isFinite, y1.isFinite, x2.isFinite, y2.isFinite else { return nil }
        func truncated(_ v: Float) -> Int { Int(max(min(v, 1e9), -1e9).rounded(.towardZero)) }
        let x = max(truncated(x1), 1), y = max(truncated(y1), 1)
        let ex = min(truncated(x2), imageWidth), ey = min(truncated(y2), imageHeight)
        guard ex > x - 1, ey > y - 1 else { return nil }
        return (x - 1, y - 1, ex - x + 1, ey - y + 1)
    }
}
