/// Bilinear resizing of an 8-bit grey plane bit for bit as OpenCV's `resize(..., INTER_LINEAR_EXACT)`,
/// which `CascadeClassifier` uses for its pyramid: source positions `(d + 0.5)·(src/dst) − 0.5` in double,
/// weights rounded to 1/256, a horizontal pass into 8.8 fixed point, the vertical pass into 16.16 and one
/// rounding at the end; positions left of / above the image take its first column / row, positions past the
/// last pixel its last. Plain two-tap bilinear at every scale (no area averaging). Reuses its buffers.
/// (Checked identical to `cv2.resize` on photos at several sizes; see Models/README.md.)
struct GreyResizer {
    /// One axis's taps: first source index and the weight of the second (the first's is 256 − it), and
    /// the range of destination indices that interpolate (before: the first pixel; after: the last).
    private struct Axis {
        var offsets: [Int32] = []
        var weights: [Int32] = []
        var first = 0
        var end = 0

        mutating func compute(source: Int, destination: Int) {
            if offsets.count < destination {
                offsets = [Int32](repeating: 0, count: destination)
                weights = [Int32](repeating: 0, count: destination)
            }
            let scale = 1.0 / (Double(destination) / Double(source))
            first = 0
            end = destination
            for d in 0..<destination {
                let f = scale * (Double(d) + 0.5) - 0.5
                let i = Int(f.rounded(.down))
                offsets[d] = 0
                weights[d] = 0
                if i >= 0 && source > 1 {
                    if i < source - 1 {
                        offsets[d] = Int32(i)
                        weights[d] = Int32(((f - Double(i)) * 256).rounded(.toNearestOrEven))
                    } else {
                        offsets[d] = Int32(source - 1)
                        end = min(end, d)
                    }
                } else {
                    first = max(first, d + 1)
                }
            }
            end = max(end, first)
        }
    }

    private var xAxis = Axis()
    private var yAxis = Axis()
    private var rowA: [Int32] = []
    private var rowB: [Int32] = []

    /// Resizes `src` (`sw`×`sh`, tightly packed) into `dst` (`dw`×`dh`, tightly packed).
    mutating func resize(_ src: UnsafePointer<UInt8>, width sw: Int, height sh: Int,
                         into dst: UnsafeMutablePointer<UInt8>, width dw: Int, height dh: Int) {
        if sw == dw && sh == dh {
            dst.update(from: src, count: sw * sh)
            return
        }
        xAxis.compute(source: sw, destination: dw)
        yAxis.compute(source: sh, destination: dh)
        if rowA.count < dw { rowA = [Int32](repeating: 0, count: dw); rowB = rowA }
        let xFirst = xAxis.first, xEnd = xAxis.end, yFirst = yAxis.first, yEnd = yAxis.end
        xAxis.offsets.withUnsafeBufferPointer { xo in
            xAxis.weights.withUnsafeBufferPointer { xw in
                yAxis.offsets.withUnsafeBufferPointer { yo in
                    yAxis.weights.withUnsafeBufferPointer { yw in
                        rowA.withUnsafeMutableBufferPointer { ra in
                            rowB.withUnsafeMutableBufferPointer { rb in
                                let xo = xo.baseAddress!, xw = xw.baseAddress!
                                var r0 = ra.baseAddress!, r1 = rb.baseAddress!
                                var row0 = -1, row1 = -1
                                func line(_ y: Int, into out: UnsafeMutablePointer<Int32>) {
                                    Self.horizontal(src + y * sw, xo, xw, xFirst, xEnd, dw, into: out)
                                }
                                for dy in 0..<dh {
                                    let out = dst + dy * dw
                                    if dy < yFirst || dy >= yEnd {
                                        // Outside the interpolated range: one source row, rounded from 8.8.
                                        let y = dy < yFirst ? 0 : sh - 1
                                        if row0 != y { line(y, into: r0); row0 = y }
                                        for x in 0..<dw { out[x] = UInt8(clamping: (r0[x] &+ 128) &>> 8) }
                                        continue
                                    }
                                    let y0 = Int(yo[dy])
                                    if row0 != y0 {
                                        if row1 == y0 { swap(&r0, &r1); swap(&row0, &row1) } else { line(y0, into: r0); row0 = y0 }
                                    }
                                    if row1 != y0 + 1 { line(y0 + 1, into: r1); row1 = y0 + 1 }
                                    let b1 = yw[dy], b0 = 256 &- b1
                                    for x in 0..<dw {
                                        out[x] = UInt8(clamping: (b0 &* r0[x] &+ b1 &* r1[x] &+ 32768) &>> 16)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One source row into 8.8 fixed point at every destination column.
    @inline(__always)
    private static func horizontal(_ s: UnsafePointer<UInt8>, _ xo: UnsafePointer<Int32>, _ xw: UnsafePointer<Int32>,
                                   _ first: Int, _ end: Int, _ dw: Int, into d: UnsafeMutablePointer<Int32>) {
        let left = Int32(s[0]) &<< 8
        for dx in 0..<first { d[dx] = left }
        for dx in first..<end {
            let sx = Int(xo[dx]), w1 = xw[dx]
            d[dx] = (256 &- w1) &* Int32(s[sx]) &+ w1 &* Int32(s[sx &+ 1])
        }
        if end < dw {
            let right = Int32(s[Int(xo[dw - 1])]) &<< 8
            for dx in end..<dw { d[dx] = right }
        }
    }
}
