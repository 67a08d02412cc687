extension AffineMap {
    /// The similarity (rotation, uniform scale, shift; no shear or mirror) that maps `source` points onto
    /// `destination` points with the least squared error (Umeyama's closed form in 2-D).
    ///
    /// Returns nil when the lists differ in length, have fewer than two points, hold a non-finite
    /// point, or when the source points all coincide (no scale or rotation is defined).
    public static func similarity(from source: [Point], to destination: [Point]) -> AffineMap? {
        guard source.count == destination.count, source.count >= 2,
              source.allSatisfy(\.isFinite), destination.allSatisfy(\.isFinite) else { return nil }
        let n = Float(source.count)
        let sc = Point(x: source.map(\.x).reduce(0, +) / n, y: source.map(\.y).reduce(0, +) / n)
        let dc = Point(x: destination.map(\.x).reduce(0, +) / n, y: destination.map(\.y).reduce(0, +) / n)
        var dot: Float = 0, cross: Float = 0, norm: Float = 0
        for (s, d) in zip(source, destination) {
            let sx = s.x - sc.x, sy = s.y - sc.y, dx = d.x - dc.x, dy = d.y - dc.y
            dot += sx * dx + sy * dy
            cross += sx * dy - sy * dx
            norm += sx * sx + sy * sy
        }
        guard norm > 1e-12 else { return nil }
        // x' = a x - b y + tx, y' = b x + a y + ty
        let a = dot / norm, b = cross / norm
        let map = AffineMap(a: a, b: -b, tx: dc.x - (a * sc.x - b * sc.y),
                            c: b, d: a, ty: dc.y - (b * sc.x + a * sc.y))
        return map.isFinite ? map : nil
    }

    /// The factor by which the map scales lengths (the square root of the determinant's magnitude).
    public var scaleFactor: Float { abs(a * d - b * c).squareRoot() }
}
