/// Resamples an axis-aligned region of a grey frame into a small float patch, reusing its buffers.
///
/// Patch pixel (i, j) covers the frame region `[x0 + i·sx, x0 + (i+1)·sx) × [y0 + j·sy, y0 + (j+1)·sy)`.
/// Along an axis where the patch shrinks the frame (s > 1) a pixel is the coverage-weighted mean of the
/// frame pixels under it (area averaging, so small patches of large faces do not alias); where it
/// enlarges (s ≤ 1) it is bilinear at the pixel centre; beyond a 4× reduction the footprint's mean is
/// estimated from 4 evenly spaced pixels per axis, so the cost does not grow with the face size. Coordinates outside the frame repeat the edge.
/// The work is separable: a vertical pass over contiguous row spans, then a short horizontal pass.
final class PatchSampler {
    /// One axis's taps: `taps` frame indices and weights per patch index.
    private struct Axis {
        var taps = 0
        var indices: [Int] = []
        var weights: [Float] = []

        mutating func build(origin: Float, scale: Float, count: Int, limit: Int) {
            if scale > PatchSampler.maxAreaScale {
                // Large reductions: the footprint's mean estimated from evenly spaced pixels, so the
                // cost stays bounded for faces much larger than the patch.
                taps = PatchSampler.decimatedTaps
                reserve(count * taps)
                let step = scale / Float(taps), weight = 1 / Float(taps)
                for d in 0..<count {
                    let lo = origin + Float(d) * scale
                    for t in 0..<taps {
                        let i = PatchSampler.index(lo + (Float(t) + 0.5) * step)
                        indices[d * taps + t] = min(max(i, 0), limit - 1)
                        weights[d * taps + t] = weight
                    }
                }
            } else if scale > 1 {
                taps = Int(scale.rounded(.up)) + 1
                reserve(count * taps)
                for d in 0..<count {
                    let lo = origin + Float(d) * scale, hi = lo + scale
                    let first = PatchSampler.index(lo)
                    for t in 0..<taps {
                        let i = first + t
                        let overlap = min(Float(i + 1), hi) - max(Float(i), lo)
                        indices[d * taps + t] = min(max(i, 0), limit - 1)
                        weights[d * taps + t] = overlap > 0 ? overlap / scale : 0
                    }
                }
            } else {
                taps = 2
                reserve(count * 2)
                for d in 0..<count {
                    let f = origin + (Float(d) + 0.5) * scale - 0.5
                    let s = f.rounded(.down)
                    let i = PatchSampler.index(s)
                    let w1 = f - s
                    indices[2 * d] = min(max(i, 0), limit - 1)
                    indices[2 * d + 1] = min(max(i + 1, 0), limit - 1)
                    weights[2 * d] = 1 - w1
                    weights[2 * d + 1] = w1
                }
            }
        }

        private mutating func reserve(_ n: Int) {
            if indices.count < n {
                indices = [Int](repeating: 0, count: n)
                weights = [Float](repeating: 0, count: n)
            }
        }
    }

    /// Above this reduction a pixel averages `decimatedTaps` evenly spaced frame pixels per axis
    /// instead of its whole footprint.
    static let maxAreaScale: Float = 4
    static let decimatedTaps = 4

    /// `x` rounded down to an Int, clamped far outside any frame (so absurd boxes cannot trap).
    @inline(__always)
    static func index(_ x: Float) -> Int {
        Int(min(max(x, -1e7), 1e7).rounded(.down))
    }

    private var xAxis = Axis()
    private var yAxis = Axis()
    private var row: [Float] = []

    /// Fills `out` (`width × height` floats, row-major) from `frame` (`frameWidth × frameHeight` bytes).
    func sample(_ frame: UnsafeBufferPointer<UInt8>, frameWidth: Int, frameHeight: Int,
                originX: Float, originY: Float, scaleX: Float, scaleY: Float,
                into out: UnsafeMutablePointer<Float>, width: Int, height: Int) {
        xAxis.build(origin: originX, scale: scaleX, count: width, limit: frameWidth)
        yAxis.build(origin: originY, scale: scaleY, count: height, limit: frameHeight)
        let xTaps = xAxis.taps, yTaps = yAxis.taps
        // The frame columns any tap reads: a contiguous span (indices grow with the patch index).
        let first = xAxis.indices[0], last = xAxis.indices[width * xTaps - 1]
        let span = last - first + 1
        if row.count < span { row = [Float](repeating: 0, count: span) }
        guard let src = frame.baseAddress else { return }
        row.withUnsafeMutableBufferPointer { rowBuffer in
            let acc = rowBuffer.baseAddress!
            xAxis.indices.withUnsafeBufferPointer { xi in
                xAxis.weights.withUnsafeBufferPointer { xw in
                    yAxis.indices.withUnsafeBufferPointer { yi in
                        yAxis.weights.withUnsafeBufferPointer { yw in
                            for j in 0..<height {
                                Self.vertical(src + first, stride: frameWidth, span: span, taps: yTaps,
                                              indices: yi.baseAddress! + j * yTaps,
                                              weights: yw.baseAddress! + j * yTaps, into: acc)
                                let o = out + j * width, x = xi.baseAddress!, w = xw.baseAddress!
                                // Constant tap counts let the compiler unroll the common cases.
                                switch xTaps {
                                case 2: Self.horizontal(acc - first, taps: 2, x, w, o, width)
                                case 3: Self.horizontal(acc - first, taps: 3, x, w, o, width)
                                case 4: Self.horizontal(acc - first, taps: 4, x, w, o, width)
                                case 5: Self.horizontal(acc - first, taps: 5, x, w, o, width)
                                default: Self.horizontal(acc - first, taps: xTaps, x, w, o, width)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// out[i] = Σ_t weights[i·taps + t] · row[indices[i·taps + t]] (row indexed by frame column).
    @inline(__always)
    private static func horizontal(_ row: UnsafePointer<Float>, taps: Int, _ indices: UnsafePointer<Int>,
                                   _ weights: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ count: Int) {
        var base = 0
        for i in 0..<count {
            var sum: Float = 0
            for t in 0..<taps { sum += weights[base &+ t] * row[indices[base &+ t]] }
            out[i] = sum
            base &+= taps
        }
    }

    /// acc[k] = Σ_t w_t · src[row_t · stride + k] for k in 0..<span (plain loops the compiler vectorises).
    @inline(__always)
    private static func vertical(_ src: UnsafePointer<UInt8>, stride: Int, span: Int, taps: Int,
                                 indices: UnsafePointer<Int>, weights: UnsafePointer<Float>,
                                 into acc: UnsafeMutablePointer<Float>) {
        let r0 = src + indices[0] &* stride, w0 = weights[0]
        if taps == 2 {
            let r1 = src + indices[1] &* stride, w1 = weights[1]
            for k in 0..<span { acc[k] = Float(r0[k]) * w0 + Float(r1[k]) * w1 }
            return
        }
        for k in 0..<span { acc[k] = Float(r0[k]) * w0 }
        for t in 1..<taps {
            let w = weights[t]
            if w == 0 { continue }
            let r = src + indices[t] &* stride
            for k in 0..<span { acc[k] += Float(r[k]) * w }
        }
    }
}
