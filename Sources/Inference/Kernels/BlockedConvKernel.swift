import CKernels

/// A convolution (one group, padding at most 1) from blocked input to blocked output (`BlockedLayout`), bias,
/// a residual Add and the activation fused: per tap, 4 blocks of weights against 6 broadcast input pixels
/// (AVX-512), with no phase split or gather, whatever the stride.
///
/// Each output channel sums its taps in the planar kernels' order, so the result is theirs to the bit (but
/// for the sign of a zero sum).
final class BlockedConvKernel: Kernel {
    let g: ConvGeometry
    let input: BlockedLayout, output: BlockedLayout
    let x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
    let residual: UnsafeMutablePointer<Float>?
    /// Whether the output's border is zeroed after each run (a padded convolution reads it).
    let zeroesBorder: Bool
    let isa: InstructionSet
    let threads: Int
    /// Weights as [out blocks][in channels][kh][kw][16].
    private let packed: OwnedBuffer
    private let epilogue: BlockedEpilogue
    /// Per output pixel: where its tap (0, 0) starts in an input item, and where it goes in an output item.
    private let inOffsets: [Int], outOffsets: [Int]

    /// Whether the kernel can run a convolution: one group, no dilation, padding of at most one pixel.
    static func handles(_ g: ConvGeometry) -> Bool {
        g.group == 1 && g.dilationH == 1 && g.dilationW == 1
            && [g.padTop, g.padLeft, g.padBottom, g.padRight].allSatisfy { $0 <= 1 }
    }

    init(geometry: ConvGeometry, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
         residual: UnsafeMutablePointer<Float>?, weights: [Float], bias: [Float], activation: Activation,
         zeroesBorder: Bool, options: KernelOptions) {
        precondition(Self.handles(geometry), "a blocked convolution of geometry \(geometry)")
        g = geometry
        input = BlockedLayout([g.batch, g.channels, g.height, g.width])
        output = BlockedLayout([g.batch, g.outChannels, g.outHeight, g.outWidth])
        (self.x, self.y, self.residual, self.zeroesBorder) = (x, y, residual, zeroesBorder)
        isa = options.isa
        threads = ConvKernel.threads(geometry, options)
        let block = BlockedLayout.block, kk = g.kernelH * g.kernelW, inChannels = g.channels
        packed = OwnedBuffer(zeros: output.blocks * inChannels * kk * block)
        for m in 0..<g.outChannels {
            for c in 0..<g.channels {
                for k in 0..<kk {
                    packed.pointer[((m / block * inChannels + c) * kk + k) * block + m % block] =
                        weights[(m * g.channels + c) * kk + k]
                }
            }
        }
        epilogue = BlockedEpilogue(channels: geometry.outChannels, bias: bias, activation: activation)
        var inOffsets: [Int] = [], outOffsets: [Int] = []
        inOffsets.reserveCapacity(g.outPlane)
        outOffsets.reserveCapacity(g.outPlane)
        let (input, output) = (input, output)
        for oy in 0..<geometry.outHeight {
            for ox in 0..<geometry.outWidth {
                inOffsets.append(input.offset(y: oy * geometry.strideH - geometry.padTop,
                                              x: ox * geometry.strideW - geometry.padLeft))
                outOffsets.append(output.offset(y: oy, x: ox))
            }
        }
        (self.inOffsets, self.outOffsets) = (inOffsets, outOffsets)
    }

    func run() {
        for b in 0..<g.batch {
            let out = y + b * output.item
            if threads > 1 {
                nonisolated(unsafe) let kernel = self
                let parts = threads, n = g.outPlane
                SpinPool.shared.perform(parts) { part in
                    kernel.run(item: b, pixels: n * part / parts..<n * (part + 1) / parts)
                }
            } else {
                run(item: b, pixels: 0..<g.outPlane)
            }
            if zeroesBorder {
                fer_blocked_border(out, Int32(output.blocks), output.blockStride, output.height, output.width)
            }
        }
    }

    private func run(item b: Int, pixels: Range<Int>) {
        inOffsets.withUnsafeBufferPointer { inOff in
            outOffsets.withUnsafeBufferPointer { outOff in
                var c = fer_blocked_conv(
                    x: x + b * input.item, x_block: input.blockStride, x_row: input.row, in_channels: Int32(g.channels),
                    kernel_h: Int32(g.kernelH), kernel_w: Int32(g.kernelW), y: y + b * output.item,
                    y_block: output.blockStride, out_blocks: Int32(output.blocks), in: inOff.baseAddress,
                    out: outOff.baseAddress, first: pixels.lowerBound, end: pixels.upperBound,
                    bias: epilogue.bias.pointer, lo: epilogue.lo, hi: epilogue.hi, slopes: epilogue.slopesPointer,
                    residual: residual.map { UnsafePointer($0 + b * output.item) })
                fer_blocked_conv_run(isa.code, &c, packed.pointer)
            }
        }
    }
}
