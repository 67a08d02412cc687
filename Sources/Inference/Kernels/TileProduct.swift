/// The product at the heart of the 1x1 and direct convolutions, over NCHW planes:
/// `out[m][j] = epilogue[m](Σ_t w[m][t] · src[offset[t] + j])` for `j` in `0..<n`.
///
/// A tap `t` is an input channel (1x1) or an (input channel, ky, kx) triple (direct convolution), and
/// `offset[t]` where its row starts. Tiles of 4 output channels × 24 columns keep twelve accumulators in
/// registers; each tap costs 3 vector loads and 4 broadcasts for 12 fused multiply-adds. Nothing is packed
/// per run and bias and activation are applied as the tile is stored.
struct TileProduct {
    /// Output channels per tile.
    static let block = 4
    /// Floats of input (taps × columns) one pass over the output-channel blocks may touch, so that
    /// after the first block the other blocks find those input rows in L1.
    static let l1Floats = 3072
    /// Columns per pass over the output-channel blocks: a multiple of 24, short enough for L1.
    let chunk: Int

    let outputs: Int
    let taps: Int
    /// Weights as [ceil(outputs / 4)][taps][4], zero rows past `outputs`.
    private let packed: OwnedBuffer
    private let offsets: [Int]
    /// When tap `t` starts at `t * uniformStride` (1x1 convolutions), the loop steps a pointer instead
    /// of looking offsets up.
    private let uniformStride: Int?
    private let epilogues: [Epilogue]

    /// `weights` is row-major [outputs][taps]; `offsets` has one entry per tap.
    init(weights: UnsafePointer<Float>, outputs: Int, offsets: [Int], epilogues: [Epilogue]) {
        let taps = offsets.count
        let blocks = (outputs + Self.block - 1) / Self.block
        packed = OwnedBuffer(zeros: blocks * taps * Self.block)
        for o in 0..<outputs {
            for t in 0..<taps {
                packed.pointer[((o / Self.block) * taps + t) * Self.block + o % Self.block] = weights[o * taps + t]
            }
        }
        self.outputs = outputs
        self.taps = taps
        chunk = max(24, min(384, Self.l1Floats / max(taps, 1) / 24 * 24))
        let step = taps > 1 ? offsets[1] - offsets[0] : 0
        uniformStride = offsets.enumerated().allSatisfy({ $0.element == $0.offset * step }) ? step : nil
        self.offsets = offsets
        self.epilogues = epilogues
    }

    /// Computes `n` columns: input row `t` at `src + offsets[t]`, output row `m` at `out + m * outStride`
    /// (which must not overlap the input).
    func run(src: UnsafePointer<Float>, n: Int, out: UnsafeMutablePointer<Float>, outStride: Int) {
        offsets.withUnsafeBufferPointer { off in
            epilogues.withUnsafeBufferPointer { ep in
                let off = off.baseAddress!, ep = ep.baseAddress!
                var j = 0
                                while j + 24 <= n {
                    let end = min(n - n % 24, j + chunk)
                    for b in stride(from: 0, to: outputs, by: Self.block) {
                        var jj = j
                        while jj < end {
                            tile24(src + jj, off, b, out + b * outStride + jj, outStride, ep + b)
                            jj += 24
                        }
                    }
                    j = end
                }
                while j + 8 <= n {
                    for b in stride(from: 0, to: outputs, by: Self.block) {
                        tile8(src + j, off, b, out + b * outStride + j, outStride, ep + b)
                    }
                    j += 8
                }
                if j < n && n >= 8 {
                    // The last columns as one eight-wide tile ending at `n`, recomputing a few.
                    j = n - 8
                    for b in stride(from: 0, to: outputs, by: Self.block) {
                        tile8(src + j, off, b, out + b * outStride + j, outStride, ep + b)
                    }
                    j = n
                }
                while j < n {
                    for b in stride(from: 0, to: outputs, by: Self.block) {
                        column(src + j, off, b, out + b * outStride + j, outStride, ep + b)
                    }
                    j += 1
                }
            }
        }
    }

    @inline(__always)
    private func tile24(_ src: UnsafePointer<Float>, _ off: UnsafePointer<Int>, _ b: Int,
                        _ out: UnsafeMutablePointer<Float>, _ outStride: Int, _ ep: UnsafePointer<Epilogue>) {
        typealias V = Vector.V
        var a0 = V(), a1 = V(), a2 = V(), b0 = V(), b1 = V(), b2 = V()
        var c0 = V(), c1 = V(), c2 = V(), d0 = V(), d1 = V(), d2 = V()
        var w = UnsafePointer(packed.pointer + b * taps)
        let stride = uniformStride ?? 0
        var p = src
        for t in 0..<taps {
            if uniformStride == nil { p = src + off[t] }
            let x0 = Vector.load(p), x1 = Vector.load(p + 8), x2 = Vector.load(p + 16)
            p += stride
            var s = V(repeating: w[0])
            a0 = Vector.madd(a0, x0, s); a1 = Vector.madd(a1, x1, s); a2 = Vector.madd(a2, x2, s)
            s = V(repeating: w[1])
            b0 = Vector.madd(b0, x0, s); b1 = Vector.madd(b1, x1, s); b2 = Vector.madd(b2, x2, s)
            s = V(repeating: w[2])
            c0 = Vector.madd(c0, x0, s); c1 = Vector.madd(c1, x1, s); c2 = Vector.madd(c2, x2, s)
            s = V(repeating: w[3])
            d0 = Vector.madd(d0, x0, s); d1 = Vector.madd(d1, x1, s); d2 = Vector.madd(d2, x2, s)
            w += Self.block
        }
        let rows = min(Self.block, outputs - b)
        store3(a0, a1, a2, out, ep[0])
        if rows > 1 { store3(b0, b1, b2, out + outStride, ep[1]) }
        if rows > 2 { store3(c0, c1, c2, out + 2 * outStride, ep[2]) }
        if rows > 3 { store3(d0, d1, d2, out + 3 * outStride, ep[3]) }
    }

    @inline(__always)
    private func store3(_ v0: Vector.V, _ v1: Vector.V, _ v2: Vector.V, _ p: UnsafeMutablePointer<Float>,
                        _ e: Epilogue) {
        Vector.store(e.apply(v0), p)
        Vector.store(e.apply(v1), p + 8)
        Vector.store(e.apply(v2), p + 16)
    }

    @inline(__always)
    private func tile8(_ src: UnsafePointer<Float>, _ off: UnsafePointer<Int>, _ b: Int,
                       _ out: UnsafeMutablePointer<Float>, _ outStride: Int, _ ep: UnsafePointer<Epilogue>) {
        typealias V = Vector.V
        var a = V(), bb = V(), c = V(), d = V()
        var w = UnsafePointer(packed.pointer + b * taps)
        for t in 0..<taps {
            let x = Vector.load(src + off[t])
            a = Vector.madd(a, x, V(repeating: w[0]))
            bb = Vector.madd(bb, x, V(repeating: w[1]))
            c = Vector.madd(c, x, V(repeating: w[2]))
            d = Vector.madd(d, x, V(repeating: w[3]))
            w += Self.block
        }
        let rows = min(Self.block, outputs - b)
        Vector.store(ep[0].apply(a), out)
        if rows > 1 { Vector.store(ep[1].apply(bb), out + outStride) }
        if rows > 2 { Vector.store(ep[2].apply(c), out + 2 * outStride) }
        if rows > 3 { Vector.store(ep[3].apply(d), out + 3 * outStride) }
    }

    @inline(__always)
    private func column(_ src: UnsafePointer<Float>, _ off: UnsafePointer<Int>, _ b: Int,
                        _ out: UnsafeMutablePointer<Float>, _ outStride: Int, _ ep: UnsafePointer<Epilogue>) {
        var acc = SIMD4<Float>()
        let w = UnsafeRawPointer(packed.pointer + b * taps)
        for t in 0..<taps {
            acc += w.loadUnaligned(fromByteOffset: t * 16, as: SIMD4<Float>.self) * SIMD4(repeating: src[off[t]])
        }
        for r in 0..<min(Self.block, outputs - b) { out[r * outStride] = ep[r].apply(acc[r]) }
    }
}
