/// The image pyramid of MTCNN's first stage: one level per scale, from `12 / minFaceSize` down by `factor`.
struct MTCNNPyramid {
    /// One level: its scale and the size the image is resampled to (`Int(side · scale + 1)`, as facenet-pytorch).
    struct Level: Equatable {
        let scale: Double
        let width: Int
        let height: Int
    }

    /// Levels while the shorter side, scaled, is at least P-Net's 12-pixel window.
    static func levels(width: Int, height: Int, minFaceSize: Double, factor: Double) -> [Level] {
        let m = 12.0 / minFaceSize
        var minl = Double(min(width, height)) * m
        var scale = m
        var levels: [Level] = []
        while minl >= 12 {
            levels.append(Level(scale: scale, width: Int(Double(width) * scale + 1), height: Int(Double(height) * scale + 1)))
            scale *= factor
            minl *= factor
        }
        return levels
    }
}
