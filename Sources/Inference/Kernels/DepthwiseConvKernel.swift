/// Depthwise convolution (one filter per channel) in vectorised Swift, bias and activation fused.
final class DepthwiseConvKernel: Kernel {
    let g: ConvGeometry
    let x: UnsafeMutablePointer<Float>
    let y: UnsafeMutablePointer<Float>
    let scratch: UnsafeMutablePointer<Float>
    let weights: OwnedBuffer
    let bias: [Float]
    let activation: Activation
    let paddedH: Int, paddedW: Int
    let needsPadding: Bool

    /// Scratch floats for one zero-padded input plane.
    static func scratchSize(_ g: ConvGeometry) -> Int {
        (g.height + g.padTop + g.padBottom) * (g.width + g.padLeft + g.padRight)
    }

    init(geometry: ConvGeometry, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
         scratch: UnsafeMutablePointer<Float>, weights: [Float], bias: [Float], activation: Activation) {
        self.g = geometry
        self.x = x
        self.y = y
        self.scratch = scratch
        self.weights = OwnedBuffer(weights)
        self.bias = bias
        self.activation = activation
        paddedH = g.height + g.padTop + g.padBottom
        paddedW = g.width + g.padLeft + g.padRight
        needsPadding = g.padTop + g.padLeft + g.padBottom + g.padRight > 0
    }

    func run() {
        let kh = g.kernelH, kw = g.kernelW
        let taps = kh * kw
        for b in 0..<g.batch {
            for c in 0..<g.channels {
                let plane = x + (b * g.channels + c) * g.inPlane
                let source: UnsafeMutablePointer<Float>
                if needsPadding {
                    // The scratch plane is shared with other kernels: rewrite its zero border too.
                    scratch.update(repeating: 0, count: paddedW * g.padTop)
                    (scratch + (g.padTop + g.height) * paddedW).update(repeating: 0, count: paddedW * g.padBottom)
                    for row in 0..<g.height {
                        let dst = scratch + (row + g.padTop) * paddedW
                        if g.padLeft > 0 { dst.update(repeating: 0, count: g.padLeft) }
                        (dst + g.padLeft).update(from: plane + row * g.width, count: g.width)
                        if g.padRight > 0 { (dst + g.padLeft + g.width).update(repeating: 0, count: g.padRight) }
                    }
                    source = scratch
                } else {
                    source = plane
                }
                let out = y + (b * g.channels + c) * g.outPlane
                let w = weights.pointer + c * taps
                if g.strideW == 1 {
                    convolveStride1(source, out, w)
                } else {
                    convolveStrided(source, out, w)
                }
                Vector.biasActivate(out, count: g.outPlane, bias: bias[c], activation: activation,
                                    slope: Vector.slope(activation, channel: c))
            }
        }
    }

    /// Stride 1 along x: eight outputs at a time, taps accumulated in registers.
    @inline(__always)
    private func convolveStride1(_ src: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                 _ w: UnsafeMutablePointer<Float>) {
        let kh = g.kernelH, kw = g.kernelW, ow = g.outWidth, pw = paddedW
        let dh = g.dilationH, dw = g.dilationW, sh = g.strideH
        if kh == 3 && kw == 3 && dh == 1 && dw == 1 {
            let w0 = Vector.V(repeating: w[0]), w1 = Vector.V(repeating: w[1]), w2 = Vector.V(repeating: w[2])
            let w3 = Vector.V(repeating: w[3]), w4 = Vector.V(repeating: w[4]), w5 = Vector.V(repeating: w[5])
            let w6 = Vector.V(repeating: w[6]), w7 = Vector.V(repeating: w[7]), w8 = Vector.V(repeating: w[8])
            for oy in 0..<g.outHeight {
                let r0 = src + oy * sh * pw, r1 = r0 + pw, r2 = r1 + pw
                let dst = out + oy * ow
                var ox = 0
                while ox + 8 <= ow {
                    var acc = Vector.load(r0 + ox) * w0
                    acc = Vector.madd(acc, Vector.load(r0 + ox + 1), w1)
                    acc = Vector.madd(acc, Vector.load(r0 + ox + 2), w2)
                    acc = Vector.madd(acc, Vector.load(r1 + ox), w3)
                    acc = Vector.madd(acc, Vector.load(r1 + ox + 1), w4)
                    acc = Vector.madd(acc, Vector.load(r1 + ox + 2), w5)
                    acc = Vector.madd(acc, Vector.load(r2 + ox), w6)
                    acc = Vector.madd(acc, Vector.load(r2 + ox + 1), w7)
                    acc = Vector.madd(acc, Vector.load(r2 + ox + 2), w8)
                    Vector.store(acc, dst + ox)
                    ox += 8
                }
                while ox < ow {
                    var s = r0[ox] * w[0] + r0[ox + 1] * w[1] + r0[ox + 2] * w[2]
                    s += r1[ox] * w[3] + r1[ox + 1] * w[4] + r1[ox + 2] * w[5]
                    s += r2[ox] * w[6] + r2[ox + 1] * w[7] + r2[ox + 2] * w[8]
                    dst[ox] = s
                    ox += 1
                }
            }
            return
        }
        for oy in 0..<g.outHeight {
            let dst = out + oy * ow
            var ox = 0
            while ox + 8 <= ow {
                var acc = Vector.V(repeating: 0)
                for ky in 0..<kh {
                    let row = src + (oy * sh + ky * dh) * pw + ox
                    for kx in 0..<kw {
                        acc = Vector.madd(acc, Vector.load(row + kx * dw), Vector.V(repeating: w[ky * kw + kx]))
                    }
                }
                Vector.store(acc, dst + ox)
                ox += 8
            }
            while ox < ow {
                var s: Float = 0
                for ky in 0..<kh {
                    let row = src + (oy * sh + ky * dh) * pw + ox
                    for kx in 0..<kw { s += row[kx * dw] * w[ky * kw + kx] }
                }
                dst[ox] = s
                ox += 1
            }
        }
    }

    /// Any stride: scalar, used for the few strided depthwise layers.
    private func convolveStrided(_ src: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                 _ w: UnsafeMutablePointer<Float>) {
        let kh = g.kernelH, kw = g.kernelW, pw = paddedW
        for oy in 0..<g.outHeight {
            for ox in 0..<g.outWidth {
                var s: Float = 0
                let base = src + oy * g.strideH * pw + ox * g.strideW
                for ky in 0..<kh {
                    let row = base + ky * g.dilationH * pw
                    for kx in 0..<kw { s += row[kx * g.dilationW] * w[ky * kw + kx] }
                }
                out[oy * g.outWidth + ox] = s
            }
        }
    }
}
