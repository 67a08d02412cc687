extension Image {
    /// Draws the outline of `rect` (rounded to whole pixels) with lines `thickness` pixels wide,
    /// growing inwards from the rectangle's edges; clipped to the image. Grey images use the
    /// colour's luma.
    public mutating func drawRectangle(_ rect: Rect, color: RGB, thickness: Int = 2) {
        guard thickness > 0, let span = pixelSpan(rect) else { return }
        let (x0, y0, x1, y1) = (span.x0, span.y0, span.x1, span.y1)
        let t = thickness
        if 2 * t >= x1 - x0 || 2 * t >= y1 - y0 {
            fill(x0: x0, y0: y0, x1: x1, y1: y1, color: color, alpha256: 256)
            return
        }
        fill(x0: x0, y0: y0, x1: x1, y1: y0 + t, color: color, alpha256: 256)       // top
        fill(x0: x0, y0: y1 - t, x1: x1, y1: y1, color: color, alpha256: 256)       // bottom
        fill(x0: x0, y0: y0 + t, x1: x0 + t, y1: y1 - t, color: color, alpha256: 256) // left
        fill(x0: x1 - t, y0: y0 + t, x1: x1, y1: y1 - t, color: color, alpha256: 256) // right
    }

    /// Fills `rect` (rounded to whole pixels, clipped) with `color` blended at `alpha`
    /// (0 = unchanged, 1 = opaque): out = src·(1 − α) + color·α, α in steps of 1/256.
    public mutating func fillRectangle(_ rect: Rect, color: RGB, alpha: Float = 1) {
        guard alpha.isFinite, alpha > 0, let span = pixelSpan(rect) else { return }
        let a = Int32((min(alpha, 1) * 256).rounded())
        guard a > 0 else { return }
        fill(x0: span.x0, y0: span.y0, x1: span.x1, y1: span.y1, color: color, alpha256: a)
    }

    /// The unclipped pixel span [x0, x1) × [y0, y1) of a rectangle (edges rounded to the nearest
    /// pixel boundary), or nil when it is empty or not finite. Coordinates are bounded so that
    /// huge values cannot overflow.
    func pixelSpan(_ rect: Rect) -> (x0: Int, y0: Int, x1: Int, y1: Int)? {
        guard rect.isFinite, rect.width > 0, rect.height > 0 else { return nil }
        let limit = Float(4 * Image.maximumDimension)
        func bound(_ v: Float) -> Int { Int(min(max(v, -limit), limit).rounded()) }
        let x0 = bound(rect.minX), x1 = bound(rect.maxX), y0 = bound(rect.minY), y1 = bound(rect.maxY)
        guard x1 > x0, y1 > y0 else { return nil }
        return (x0, y0, x1, y1)
    }

    /// Blends `color` over [x0, x1) × [y0, y1) (clipped) with alpha in 1/256 units (256 = opaque).
    /// Fills the pixel rectangle [x0, x1) x [y0, y1) (clipped to the image) with `color`, opaque.
    public mutating func fill(x0: Int, y0: Int, x1: Int, y1: Int, color: RGB) {
        fill(x0: x0, y0: y0, x1: x1, y1: y1, color: color, alpha256: 256)
    }

    mutating func fill(x0: Int, y0: Int, x1: Int, y1: Int, color: RGB, alpha256 a: Int32) {
        let cx0 = max(x0, 0), cy0 = max(y0, 0), cx1 = min(x1, width), cy1 = min(y1, height)
        guard cx1 > cx0, cy1 > cy0 else { return }
        let w = width, ch = channels
        let r = Int32(color.r), g = Int32(color.g), b = Int32(color.b), luma = Int32(color.luma)
        let inv = 256 - a
        withUnsafeMutablePixels { p in
            let base = p.baseAddress!
            for y in cy0..<cy1 {
                let row = base + (y * w + cx0) * ch
                let n = cx1 - cx0
                if ch == 1 {
                    if a == 256 {
                        row.update(repeating: UInt8(luma), count: n)
                    } else {
                        for i in 0..<n { row[i] = UInt8(truncatingIfNeeded: (Int32(row[i]) &* inv &+ luma &* a &+ 128) &>> 8) }
                    }
                } else {
                    for i in 0..<n {
                        let o = 3 &* i
                        row[o] = UInt8(truncatingIfNeeded: (Int32(row[o]) &* inv &+ r &* a &+ 128) &>> 8)
                        row[o &+ 1] = UInt8(truncatingIfNeeded: (Int32(row[o &+ 1]) &* inv &+ g &* a &+ 128) &>> 8)
                        row[o &+ 2] = UInt8(truncatingIfNeeded: (Int32(row[o &+ 2]) &* inv &+ b &* a &+ 128) &>> 8)
                    }
                }
            }
        }
    }
}
