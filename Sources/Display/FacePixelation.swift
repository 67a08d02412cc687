import Imaging

/// Pixelates face boxes in planar Y'CbCr for privacy: each box becomes coarse blocks of its average colour.
public enum FacePixelation {
    /// The block edge in luma pixels for a face box: about 8 blocks across the box's smaller side,
    /// at least 8, always even (so 4:2:0 chroma blocks line up with the luma blocks).
    public static func blockSize(for box: Rect) -> Int {
        let side = box.isFinite ? Int(min(box.width, box.height).rounded(.down)) : 0
        let size = max(8, side / 8)
        return size + (size & 1)
    }

    /// How far the pixelated area reaches beyond the face box on each side, as a fraction of its size
    /// (detector boxes stop at the brow and cheeks; hair line and ears identify people too).
    public static let margin: Float = 0.1

    /// The luma region `[x0, x1) × [y0, y1)` a box's blocks cover in a `width × height` frame: the box
    /// grown by `margin`, clipped; the block grid starts at `(x0, y0)`, which are even. Nil when the box misses the frame.
    public static func region(for face: Rect, width: Int, height: Int) -> (x0: Int, y0: Int, x1: Int, y1: Int)? {
        guard face.isFinite, !face.isEmpty, width > 0, height > 0 else { return nil }
        let box = face.expanded(by: margin)
        func even(_ v: Int) -> Int { v + (v & 1) }
        let x0 = max(0, Int(box.minX.rounded(.down))) & ~1, y0 = max(0, Int(box.minY.rounded(.down))) & ~1
        let x1 = min(width, even(Int(min(box.maxX, Float(width)).rounded(.up))))
        let y1 = min(height, even(Int(min(box.maxY, Float(height)).rounded(.up))))
        guard x1 > x0, y1 > y0 else { return nil }
        return (x0, y0, x1, y1)
    }

    /// Pixelates every box in `image` in place (luma and chroma, any chroma layout).
    public static func apply(to image: inout YUVImage, boxes: [Rect]) {
        let width = image.width, height = image.height
        let cw = image.chromaWidth, ch = image.chromaHeight
        image.luma.withUnsafeMutablePixels { y in
            image.cb.withUnsafeMutableBufferPointer { cb in
                image.cr.withUnsafeMutableBufferPointer { cr in
                    guard let yp = y.baseAddress else { return }
                    apply(boxes: boxes, width: width, height: height, luma: yp, lumaStride: width,
                          chroma: cw > 0 && ch > 0 ? (cb.baseAddress, cr.baseAddress) : (nil, nil),
                          chromaWidth: cw, chromaHeight: ch)
                }
            }
        }
    }

    /// Pixelates `boxes` in raw planes (luma `width × height`; chroma `chromaWidth × chromaHeight`, tightly packed).
    static func apply(boxes: [Rect], width: Int, height: Int, luma: UnsafeMutablePointer<UInt8>, lumaStride: Int,
                      chroma: (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt8>?),
                      chromaWidth cw: Int, chromaHeight ch: Int) {
        for box in boxes {
            guard let r = region(for: box, width: width, height: height) else { continue }
            let block = blockSize(for: box)
            let xs = Array(stride(from: r.x0, to: r.x1, by: block)) + [r.x1]
            let ys = Array(stride(from: r.y0, to: r.y1, by: block)) + [r.y1]
            pixelate(luma, stride: lumaStride, xs: xs, ys: ys)
            guard cw > 0, ch > 0 else { continue }
            let cxs = xs.map { min(cw, $0 * cw / width) }, cys = ys.map { min(ch, $0 * ch / height) }
            if let cb = chroma.0 { pixelate(cb, stride: cw, xs: cxs, ys: cys) }
            if let cr = chroma.1 { pixelate(cr, stride: cw, xs: cxs, ys: cys) }
        }
    }

    /// Fills each cell `[xs[i], xs[i+1]) × [ys[j], ys[j+1])` with its mean.
    static func pixelate(_ plane: UnsafeMutablePointer<UInt8>, stride: Int, xs: [Int], ys: [Int]) {
        for j in 0..<(ys.count - 1) {
            let cy0 = ys[j], cy1 = ys[j + 1]
            guard cy1 > cy0 else { continue }
            for i in 0..<(xs.count - 1) {
                let cx0 = xs[i], cx1 = xs[i + 1]
                guard cx1 > cx0 else { continue }
                var sum = 0
                for yy in cy0..<cy1 {
                    let row = plane + yy * stride
                    for xx in cx0..<cx1 { sum &+= Int(row[xx]) }
                }
                let count = (cx1 - cx0) * (cy1 - cy0)
                let mean = UInt8(truncatingIfNeeded: (sum + count / 2) / count)
                for yy in cy0..<cy1 {
                    (plane + yy * stride + cx0).update(repeating: mean, count: cx1 - cx0)
                }
            }
        }
    }
}
