import CKernels

/// Depthwise convolution (one filter per channel), bias and activation fused.
///
/// 3x3 stride-1 filters with padding of at most 1 go through a ring of three zero-bordered rows and the C
/// row kernel of the session's instruction set; other shapes through a zero-padded scratch plane in
/// vectorised Swift.
final class DepthwiseConvKernel: Kernel {
    let g: ConvGeometry
    let x: UnsafeMutablePointer<Float>
    let y: UnsafeMutablePointer<Float>
    let scratch: UnsafeMutablePointer<Float>
    let weights: OwnedBuffer
    let epilogues: [Epilogue]
    let cEpilogues: [fer_epilogue]
    let isa: InstructionSet
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
         scratch: UnsafeMutablePointer<Float>, weights: [Float], bias: [Float], activation: Activation,
         isa: InstructionSet) {
        self.g = geometry
        self.isa = isa
        self.x = x
        self.y = y
        self.scratch = scratch
        self.weights = OwnedBuffer(weights)
        self.epilogues = Epilogue.channels(geometry.channels, bias: bias, activation: activation)
        self.cEpilogues = Epilogue.cChannels(geometry.channels, bias: bias, activation: activation)
        paddedH = g.height + g.padTop + g.padBottom
        paddedW = g.width + g.padLeft + g.padRight
        direct3x3 = Self.isDirect3x3(geometry)
        // Room for the last sixteen-wide window of a row.
        ringPitch = g.outWidth + 16 + 2
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
                    convolve3x3(plane, out, w, c)
                } else {
                    padPlane(plane)
                    convolvePadded(out, w, epilogues[c])
                }
            }
        }
    }

    /// 3x3, stride 1, padding ≤ 1: each input row is copied once into a ring of three zero-bordered rows.
    private func convolve3x3(_ plane: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                             _ w: UnsafeMutablePointer<Float>, _ channel: Int) {
        let width = g.width, ow = g.outWidth, pitch = ringPitch
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
        cEpilogues.withUnsafeBufferPointer { ep in
            let e = ep.baseAddress! + channel
            for oy in 0..<g.outHeight {
                let iy = oy - g.padTop
                let r0 = row(iy, copy: false), r1 = row(iy + 1, copy: false), r2 = row(iy + 2, copy: true)
                fer_depthwise3x3_row(isa.code, r0, r1, r2, w, out + oy * ow, ow, e)
            }
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
