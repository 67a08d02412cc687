/// Normalised cross-correlation (NCC) of a square template against every placement inside a search patch.
///
/// The template is stored zero-mean with unit norm, so NCC at a placement is the dot product of the
/// template with the search window divided by the window's standard deviation × √N; window sums
/// and sums of squares come from double-precision integral images. Dot products run on SIMD8 vectors
/// with four independent accumulators (two rows × two 8-wide chunks), so the template side must be a
/// multiple of 16.
enum CrossCorrelation {
    typealias V = SIMD8<Float>

    /// Windows whose pixel variance is below this (grey levels²) are flat: their score is 0.
    static let flatVariance: Double = 0.25

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    /// `acc + a * b`, fused where the build targets a CPU with FMA (see Package.swift).
    @inline(__always)
    static func madd(_ acc: V, _ a: V, _ b: V) -> V {
        #if FER_LIVE_FMA || arch(arm64)
        return acc.addingProduct(a, b)
        #else
        return acc + a * b
        #endif
    }

    /// Makes `values` (n floats) zero-mean with unit Euclidean norm in place; false (and zeros) when flat.
    static func normalize(_ values: UnsafeMutablePointer<Float>, count n: Int) -> Bool {
        var sum: Double = 0
        for i in 0..<n { sum += Double(values[i]) }
        let mean = Float(sum / Double(n))
        var squares: Double = 0
        for i in 0..<n {
            let d = values[i] - mean
            values[i] = d
            squares += Double(d * d)
        }
        guard squares / Double(n) >= flatVariance else {
            values.update(repeating: 0, count: n)
            return false
        }
        let scale = Float(1 / squares.squareRoot())
        for i in 0..<n { values[i] *= scale }
        return true
    }

    /// Integral images of `search` and of its squares: `(width+1) × (height+1)` doubles each, stored
    /// one after the other in `integral` (which must hold twice that).
    static func integrate(_ search: UnsafePointer<Float>, width: Int, height: Int,
                          into integral: UnsafeMutablePointer<Double>) {
        let stride = width + 1
        let sums = integral, squares = integral + stride * (height + 1)
        for x in 0...width { sums[x] = 0; squares[x] = 0 }
        for y in 0..<height {
            var rowSum: Double = 0, rowSquares: Double = 0
            let above = y * stride, here = (y + 1) * stride
            sums[here] = 0
            squares[here] = 0
            let row = search + y * width
            for x in 0..<width {
                let v = Double(row[x])
                rowSum += v
                rowSquares += v * v
                sums[here + x + 1] = sums[above + x + 1] + rowSum
                squares[here + x + 1] = squares[above + x + 1] + rowSquares
            }
        }
    }

    /// The NCC of the `size × size` template at every placement (u, v) with u in `0..<columns`,
    /// v in `0..<rows` of the search patch (`width` wide), written to `scores[v * columns + u]`.
    /// `integral` holds the patch's integral images from `integrate` (`height` ≥ rows + size − 1).
    static func scores(template: UnsafePointer<Float>, size: Int,
                       search: UnsafePointer<Float>, width: Int, height: Int,
                       integral: UnsafePointer<Double>, columns: Int, rows: Int,
                       into scores: UnsafeMutablePointer<Float>) {
        let stride = width + 1
        let sums = integral, squares = integral + stride * (height + 1)
        let n = Double(size * size)
        for v in 0..<rows {
            for u in 0..<columns {
                let a = v * stride + u, b = a + size, c = (v + size) * stride + u, d = c + size
                let s = sums[d] - sums[b] - sums[c] + sums[a]
                let q = squares[d] - squares[b] - squares[c] + squares[a]
                let variance = (q - s * s / n) / n
                guard variance >= flatVariance else {
                    scores[v * columns + u] = 0
                    continue
                }
                let dot = Self.dot(template: template, size: size, window: search + v * width + u, stride: width)
                scores[v * columns + u] = dot / Float((variance * n).squareRoot())
            }
        }
    }

    /// Σ template · window over a `size × size` square (`size` a multiple of 16).
    @inline(__always)
    static func dot(template: UnsafePointer<Float>, size: Int, window: UnsafePointer<Float>, stride: Int) -> Float {
        var a0 = V(), a1 = V(), a2 = V(), a3 = V()
        var t = template, w = window
        var y = 0
        while y < size {
            let t1 = t + size, w1 = w + stride
            var k = 0
            while k < size {
                a0 = madd(a0, load(t + k), load(w + k))
                a1 = madd(a1, load(t + k + 8), load(w + k + 8))
                a2 = madd(a2, load(t1 + k), load(w1 + k))
                a3 = madd(a3, load(t1 + k + 8), load(w1 + k + 8))
                k += 16
            }
            t += 2 * size
            w += 2 * stride
            y += 2
        }
        return ((a0 + a1) + (a2 + a3)).sum()
    }
}
