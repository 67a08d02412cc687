import CKernels
import Dispatch

/// Depthwise convolution (one filter per channel), bias and activation fused.
///
/// 3x3 filters at stride 1 or 2 with padding of at most 1 (MobileNet's and YuNet's) run in the C kernel
/// of the session's instruction set, over zero-bordered copies of the input rows, and at stride 1 may
/// pool 2x2 what they compute (a following MaxPool fused by the planner); other shapes through a
/// zero-padded scratch plane in vectorised Swift.
final class DepthwiseConvKernel: Kernel {
    let g: ConvGeometry
    let x: UnsafeMutablePointer<Float>
    let y: UnsafeMutablePointer<Float>
    let scratch: UnsafeMutablePointer<Float>
    let weights: OwnedBuffer
    let epilogues: [Epilogue]
    let cEpilogues: [fer_epilogue]
    /// The instruction set of the C 3x3 path: timed at load among the session's candidates (AVX2's
    /// 8-wide rows fit the narrow planes of late layers better than AVX-512's 16-wide ones).
    private(set) var isa: InstructionSet
    let paddedH: Int, paddedW: Int
    /// Whether the C 3x3 path applies.
    let direct3x3: Bool
    /// For the 3x3 path: per thread, `scratchRows` scratch rows of `rowPitch` floats (see `fer_depthwise`).
    let rows: OwnedBuffer
    let rowPitch: Int
    /// Threads that share the channels (1 for small convolutions).
    let threads: Int
    /// Whether a 2x2 stride-2 max pool follows in the kernel (see `pools(_:)`): `y` is then the pooled
    /// tensor, of `outHeight / 2` x `outWidth / 2` planes.
    let pooled: Bool
    /// Floats per output plane (pooled or not).
    let yPlane: Int

    /// Scratch floats for one zero-padded input plane (none for the C path).
    static func scratchSize(_ g: ConvGeometry) -> Int {
        isDirect3x3(g) ? 0 : (g.height + g.padTop + g.padBottom) * (g.width + g.padLeft + g.padRight)
    }

    private static func isDirect3x3(_ g: ConvGeometry) -> Bool {
        g.kernelH == 3 && g.kernelW == 3 && g.strideH == g.strideW && (1...2).contains(g.strideH)
            && g.dilationH == 1 && g.dilationW == 1 && max(g.padTop, g.padLeft, g.padBottom, g.padRight) <= 1
    }

    /// Whether a 2x2 stride-2 max pool without padding can follow inside the C 3x3 kernel, which computes
    /// two output rows per pass and pools them before they are stored: stride 1, at least 2 x 2 outputs.
    static func pools(_ g: ConvGeometry) -> Bool {
        isDirect3x3(g) && g.strideH == 1 && g.outHeight >= 2 && g.outWidth >= 2
    }

    /// Multiply-accumulates from which the channels are shared among the session's threads.
    static let threadedMACs = 250_000

    init(geometry: ConvGeometry, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
         scratch: UnsafeMutablePointer<Float>, weights: [Float], bias: [Float], activation: Activation,
         pooled: Bool = false, options: KernelOptions) {
        precondition(!pooled || Self.pools(geometry), "a max pool fused into a depthwise convolution it cannot follow")
        self.g = geometry
        self.pooled = pooled
        yPlane = pooled ? (geometry.outHeight / 2) * (geometry.outWidth / 2) : geometry.outPlane
        self.isa = options.isa
        self.x = x
        self.y = y
        self.scratch = scratch
        self.weights = OwnedBuffer(weights)
        self.epilogues = Epilogue.channels(geometry.channels, bias: bias, activation: activation)
        self.cEpilogues = Epilogue.cChannels(geometry.channels, bias: bias, activation: activation)
        paddedH = g.height + g.padTop + g.padBottom
        paddedW = g.width + g.padLeft + g.padRight
        direct3x3 = Self.isDirect3x3(geometry)
        threads = direct3x3 && g.macs >= Self.threadedMACs ? min(options.threads, g.channels) : 1
        rowPitch = fer_depthwise3x3_row_pitch(g.outWidth, Int32(g.strideH))
        rows = OwnedBuffer(zeros: direct3x3 ? threads * Self.scratchRows * rowPitch : 0)
        // The instruction sets sum in the same order (the output is the same to the bit): keep the fastest.
        let candidates = options.candidates
        if direct3x3 && options.orientation == .measured && candidates.count > 1 {
            isa = candidates[Autotune.fastest(candidates.count) { index in
                self.isa = candidates[index]
                self.run()
            }]
        }
    }

    func run() {
        let taps = g.kernelH * g.kernelW
        guard direct3x3 else {
            for b in 0..<g.batch {
                for c in 0..<g.channels {
                    padPlane(x + (b * g.channels + c) * g.inPlane)
                    convolvePadded(y + (b * g.channels + c) * g.outPlane, weights.pointer + c * taps, epilogues[c])
                }
            }
            return
        }
        let planes = g.batch * g.channels
        guard threads > 1 else {
            convolve3x3(planes: 0..<planes, rows: rows.pointer)
            return
        }
        // Each part has its own scratch rows and writes its own output planes.
        nonisolated(unsafe) let kernel = self
        let parts = threads, rowsPerPart = Self.scratchRows * rowPitch
        SpinPool.shared.perform(parts) { part in
            kernel.convolve3x3(planes: planes * part / parts..<planes * (part + 1) / parts,
                               rows: kernel.rows.pointer + part * rowsPerPart)
        }
    }

    /// Scratch rows per thread of the C 3x3 kernel: eight input rows, a zero row, and four for the rows a
    /// fused pool reads.
    static let scratchRows = 13

    /// Planes (batch item × channel) through the C 3x3 kernel, with the scratch rows `rows`.
    private func convolve3x3(planes: Range<Int>, rows: UnsafeMutablePointer<Float>) {
        cEpilogues.withUnsafeBufferPointer { ep in
            for plane in planes {
                let c = plane % g.channels
                var d = fer_depthwise(x: x + plane * g.inPlane, height: g.height, width: g.width,
                                      pad_top: Int32(g.padTop), pad_left: Int32(g.padLeft), stride: Int32(g.strideH),
                                      out_height: g.outHeight, out_width: g.outWidth, y: y + plane * yPlane,
                                      rows: rows, pool: pooled ? 1 : 0)
                fer_depthwise3x3(isa.code, &d, weights.pointer + c * 9, ep.baseAddress! + c)
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
