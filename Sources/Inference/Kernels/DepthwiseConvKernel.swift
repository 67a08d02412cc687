/// Depthwise convolution (one filter per channel) in vectorised Swift, bias and activation fused.
///
/// 3x3 stride-1 filters with padding of at most 1 go through a ring of three zero-bordered rows; other
/// shapes through a zero-padded scratch plane.
final class DepthwiseConvKernel: Kernel {
    let g: ConvGeometry
    let x: UnsafeMutablePointer<Float>
    let y: UnsafeMutablePointer<Float>
    let scratch: UnsafeMutablePointer<Float>
    let weights: OwnedBuffer
    let epilogues: [Epilogue]
    let paddedH: Int, paddedW: Int
    /// Whether the in-place 3x3 path applies.
    let direct3x3: Bool
    /// For the 3x3 path: three zero-bordered input rows, then a row of zeros for rows outside the image.
    let ring: OwnedBuffer
    let ringPitch: Int

    /// Scratch floats for one zero-padded input plane (none for the in-place path).
    static func scratchSize(_ g: ConvGeometry) -> Int {
        isDirect3x3(g) ? 0 : (g.height + g.padTop + g.padBottom) * (g.width + g.padLeft + g.padRight)
    }

    private static func isDirect3x3(_ g: ConvGeometry) -> Bool {
        g.kernelH == 3 && g.kernelW == 3 && g.strideH == 1 && g.strideW == 1 && g.dilationH == 1
            && g.dilationW == 1 && max(g.padTop, g.padLeft, g.padBottom, g.padRight) <= 1
    }

    init(geometry: ConvGeometry, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
         scratch: UnsafeMutablePointer<Float>, weights: [Float], bias: [Float], activation: Activation) {
        self.g = geometry
        self.x = x
        self.y = y
        self.scratch = scratch
        self.weights = OwnedBuffer(weights)
        self.epilogues = Epilogue.channels(geometry.channels, bias: bias, activation: activation)
        paddedH = g.height + g.padTop + g.padBottom
        paddedW = g.width + g.padLeft + g.padRight
        direct3x3 = Self.isDirect3x3(geometry)
        // Room for the last eight-wide window of a row.
        ringPitch = g.outWidth + 8 + 2
        ring = OwnedBuffer(zeros: direct3x3 ? 4 * ringPitch : 0)
    }

    func run() {
        let taps = g.kernelH * g.kernelW
        for b in 0..<g.batch {
            for c in 0..<g.channels {
                let plane = x + (b * g.channels + c) * g.inPlane
                let out = y + (b * g.channels + c) * g.outPlane
                let w = weights.pointer + c * taps
                if direct3x3 {
                    convolve3x3(plane, out, w, epilogues[c])
                } else {
                    padPlane(plane)
                    convolvePadded(out, w, epilogues[c])
                }
            }
        }
    }

    /// 3x3, stride 1, padding ≤ 1: each input row is copied once into a ring of three zero-bordered rows.
    private func convolve3x3(_ plane: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                             _ w: UnsafeMutablePointer<Float>, _ e: Epilogue) {
        typealias V = Vector.V
        let width = g.width, ow = g.outWidth, pitch = ringPitch
        let w0 = V(repeating: w[0]), w1 = V(repeating: w[1]), w2 = V(repeating: w[2])
        let w3 = V(repeating: w[3]), w4 = V(repeating: w[4]), w5 = V(repeating: w[5])
        let w6 = V(repeating: w[6]), w7 = V(repeating: w[7]), w8 = V(repeating: w[8])
        let zero = ring.pointer + 3 * pitch
        /// Input row `iy` (copied into the ring on first use), or the zero row outside the image.
        func row(_ iy: Int, copy: Bool) -> UnsafeMutablePointer<Float> {
            guard iy >= 0 && iy < g.height else { return zero }
            let slot = ring.pointer + (iy % 3) * pitch
            if copy { (slot + g.padLeft).update(from: plane + iy * width, count: width) }
            return slot
        }
        _ = row(-g.padTop, copy: true)
        _ = row(1 - g.padTop, copy: true)
        for oy in 0..<g.outHeight {
            let iy = oy - g.padTop
            let r0 = row(iy, copy: false), r1 = row(iy + 1, copy: false), r2 = row(iy + 2, copy: true)
            let dst = out + oy * ow
            var ox = 0
            while ox < ow {
                // The last window ends at the row's end, recomputing a few outputs rather than a scalar tail.
                if ox + 8 > ow && ow >= 8 { ox = ow - 8 }
                let a = r0 + ox, b = r1 + ox, c = r2 + ox
                // One partial sum per input row: three short chains instead of one of nine.
                var p = Vector.load(a) * w0, q = Vector.load(b) * w3, r = Vector.load(c) * w6
                p = Vector.madd(p, Vector.load(a + 1), w1)
                q = Vector.madd(q, Vector.load(b + 1), w4)
                r = Vector.madd(r, Vector.load(c + 1), w7)
                p = Vector.madd(p, Vector.load(a + 2), w2)
                q = Vector.madd(q, Vector.load(b + 2), w5)
                r = Vector.madd(r, Vector.load(c + 2), w8)
                let acc = p + q + r
                if ox + 8 <= ow {
                    Vector.store(acc, dst + ox)
                } else {
                    for i in 0..<ow - ox { dst[ox + i] = acc[i] }
                }
                ox += 8
            }
            // Bias and activation over the row while it is in L1: inside the loop above their four
            // vectors would push the nine weights out of the sixteen registers.
            e.apply(to: dst, count: ow)
        }
    }

    /// Copies one plane into scratch with its zero border (scratch is shared, so the border is rewritten).
    private func padPlane(_ plane: UnsafeMutablePointer<Float>) {
        scratch.update(repeating: 0, count: paddedW * g.padTop)
        (scratch + (g.padTop + g.height) * paddedW).update(repeating: 0, count: paddedW * g.padBottom)
        for row in 0..<g.height {
            let dst = scratch + (row + g.padTop) * paddedW
            if g.padLeft > 0 { dst.update(repeating: 0, count: g.padLeft) }
            (dst + g.padLeft).update(from: plane + row * g.width, count: g.width)
            if g.padRight > 0 { (dst + g.padLeft + g.width).update(repeating: 0, count: g.padRight) }
        }
    }

    /// Any filter size, stride and dilation over the padded plane; vectorised along x for stride 1.
    private func convolvePadded(_ out: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Float>,
                                _ e: Epilogue) {
        let kh = g.kernelH, kw = g.kernelW, ow = g.outWidth, pw = paddedW
        let dh = g.dilationH, dw = g.dilationW, sh = g.strideH, sw = g.strideW
        for oy in 0..<g.outHeight {
            let dst = out + oy * ow
            var ox = 0
            while sw == 1 && ox + 8 <= ow {
                var acc = Vector.V(repeating: 0)
                for ky in 0..<kh {
                    let row = scratch + (oy * sh + ky * dh) * pw + ox
                    for kx in 0..<kw {
                        acc = Vector.madd(acc, Vector.load(row + kx * dw), Vector.V(repeating: w[ky * kw + kx]))
                    }
                }
                Vector.store(e.apply(acc), dst + ox)
                ox += 8
            }
            while ox < ow {
                var s: Float = 0
                for ky in 0..<kh {
                    let row = scratch + (oy * sh + ky * dh) * pw + ox * sw
                    for kx in 0..<kw { s += row[kx * dw] * w[ky * kw + kx] }
                }
                dst[ox] = e.apply(s)
                ox += 1
            }
        }
    }
}
