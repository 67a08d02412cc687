import CKernels

/// A convolution (one group) into the blocked layout (`BlockedLayout`), bias, a residual Add and the activation
/// fused: per tap, 4 blocks of weights against 6 broadcast input pixels (AVX-512), with no phase split or gather,
/// whatever the stride.
///
/// The input is blocked (padding at most 1, read from its border), or for a stem NCHW planes, copied first into
/// planes with a border as wide as the padding. Each output channel sums its taps in the planar kernels' order, so
/// the result is theirs to the bit (but for the sign of a zero sum).
final class BlockedConvKernel: Kernel {
    /// Where the input comes from.
    enum Input {
        /// A blocked tensor.
        case blocked
        /// NCHW planes (a stem's image), copied into zero-bordered planes at each run.
        case planes
    }

    let g: ConvGeometry
    let input: Input
    let output: BlockedLayout
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
    /// How the kernel steps through the input: floats per item, block, row, pixel and channel in a block.
    private let inItem: Int, inBlock: Int, inRow: Int, inPixel: Int, inChannel: Int
    /// `.planes`: one item's input planes with their border (the border zero from allocation on).
    private let bordered: OwnedBuffer?
    private let border: Int

    /// Whether the kernel can run a convolution: one group, no dilation, and from blocked input padding of at most
    /// one pixel.
    static func handles(_ g: ConvGeometry, input: Input) -> Bool {
        g.group == 1 && g.dilationH == 1 && g.dilationW == 1
            && (input == .planes || [g.padTop, g.padLeft, g.padBottom, g.padRight].allSatisfy { $0 <= 1 })
    }

    init(geometry: ConvGeometry, input: Input, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
         residual: UnsafeMutablePointer<Float>?, weights: [Float], bias: [Float], activation: Activation,
         zeroesBorder: Bool, options: KernelOptions) {
        precondition(Self.handles(geometry, input: input), "a blocked convolution of geometry \(geometry)")
        g = geometry
        self.input = input
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
        // Input pixel (y, x), either of them possibly in the padding, as an offset in one item.
        let inOffset: (Int, Int) -> Int
        switch input {
        case .blocked:
            let layout = BlockedLayout([g.batch, g.channels, g.height, g.width])
            (inItem, inBlock, inRow, inPixel, inChannel) = (layout.item, layout.blockStride, layout.row, block, 1)
            (bordered, border) = (nil, 0)
            inOffset = layout.offset
        case .planes:
            let border = [g.padTop, g.padLeft, g.padBottom, g.padRight].max()!
            let pitch = g.width + 2 * border, plane = (g.height + 2 * border) * pitch
            (inItem, inBlock, inRow, inPixel, inChannel) = (0, block * plane, pitch, 1, plane)
            (bordered, self.border) = (OwnedBuffer(zeros: g.channels * plane), border)
            inOffset = { (y, x) in (y + border) * pitch + x + border }
        }
        var inOffsets: [Int] = [], outOffsets: [Int] = []
        inOffsets.reserveCapacity(g.outPlane)
        outOffsets.reserveCapacity(g.outPlane)
        let output = output
        for oy in 0..<geometry.outHeight {
            for ox in 0..<geometry.outWidth {
                inOffsets.append(inOffset(oy * geometry.strideH - geometry.padTop, ox * geometry.strideW - geometry.padLeft))
                outOffsets.append(output.offset(y: oy, x: ox))
            }
        }
        (self.inOffsets, self.outOffsets) = (inOffsets, outOffsets)
    }

    func run() {
        for b in 0..<g.batch {
            let source: UnsafeMutablePointer<Float>
            if let bordered {
                // The item's planes into the bordered copy (only the interior is written: the border stays zero).
                let pitch = g.width + 2 * border, plane = (g.height + 2 * border) * pitch
                for c in 0..<g.channels {
                    fer_copy_rows(x + (b * g.channels + c) * g.inPlane, g.width,
                                  bordered.pointer + c * plane + border * pitch + border, pitch, g.height, g.width)
                }
                source = bordered.pointer
            } else {
                source = x + b * inItem
            }
            if threads > 1 {
                nonisolated(unsafe) let kernel = self, source = source
                let parts = threads, n = g.outPlane
                SpinPool.shared.perform(parts) { part in
                    kernel.run(source, item: b, pixels: n * part / parts..<n * (part + 1) / parts)
                }
            } else {
                run(source, item: b, pixels: 0..<g.outPlane)
            }
            if zeroesBorder {
                fer_blocked_border(y + b * output.item, Int32(output.blocks), output.blockStride, output.height,
                                   output.width)
            }
        }
    }

    private func run(_ source: UnsafeMutablePointer<Float>, item b: Int, pixels: Range<Int>) {
        inOffsets.withUnsafeBufferPointer { inOff in
            outOffsets.withUnsafeBufferPointer { outOff in
                var c = fer_blocked_conv(
                    x: source, x_block: inBlock, x_row: inRow, x_pixel: inPixel, x_channel: inChannel,
                    in_channels: Int32(g.channels), kernel_h: Int32(g.kernelH), kernel_w: Int32(g.kernelW),
                    y: y + b * output.item, y_block: output.blockStride, out_blocks: Int32(output.blocks),
                    in: inOff.baseAddress, out: outOff.baseAddress, first: pixels.lowerBound, end: pixels.upperBound,
                    bias: epilogue.bias.pointer, lo: epilogue.lo, hi: epilogue.hi, slopes: epilogue.slopesPointer,
                    residual: residual.map { UnsafePointer($0 + b * output.item) })
                fer_blocked_conv_run(isa.code, &c, packed.pointer)
            }
        }
    }
}
