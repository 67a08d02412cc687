import CKernels

/// A depthwise 3x3 convolution (stride 1 or 2, padding at most 1) from blocked input to blocked output
/// (`BlockedLayout`), bias and activation fused: each output pixel's 16 channels are one vector, nine input vectors
/// times nine weight vectors.
final class BlockedDepthwiseKernel: Kernel {
    let g: ConvGeometry
    let input: BlockedLayout, output: BlockedLayout
    let x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
    let zeroesBorder: Bool
    let isa: InstructionSet
    let threads: Int
    /// Weights as [blocks][9][16].
    private let packed: OwnedBuffer
    private let epilogue: BlockedEpilogue

    /// Whether the kernel can run a convolution: depthwise 3x3, stride 1 or 2 both ways, no dilation, padding of at
    /// most one pixel.
    static func handles(_ g: ConvGeometry) -> Bool {
        g.isDepthwise && g.kernelH == 3 && g.kernelW == 3 && g.strideH == g.strideW && [1, 2].contains(g.strideH)
            && g.dilationH == 1 && g.dilationW == 1
            && [g.padTop, g.padLeft, g.padBottom, g.padRight].allSatisfy { $0 <= 1 }
    }

    init(geometry: ConvGeometry, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, weights: [Float],
         bias: [Float], activation: Activation, zeroesBorder: Bool, options: KernelOptions) {
        precondition(Self.handles(geometry), "a blocked depthwise convolution of geometry \(geometry)")
        g = geometry
        input = BlockedLayout([g.batch, g.channels, g.height, g.width])
        output = BlockedLayout([g.batch, g.channels, g.outHeight, g.outWidth])
        (self.x, self.y, self.zeroesBorder) = (x, y, zeroesBorder)
        isa = options.isa
        threads = geometry.macs >= DepthwiseConvKernel.threadedMACs ? options.threads : 1
        let block = BlockedLayout.block
        packed = OwnedBuffer(zeros: output.blocks * 9 * block)
        for c in 0..<geometry.channels {
            for t in 0..<9 { packed.pointer[(c / block * 9 + t) * block + c % block] = weights[c * 9 + t] }
        }
        epilogue = BlockedEpilogue(channels: geometry.channels, bias: bias, activation: activation)
    }

    func run() {
        for b in 0..<g.batch {
            if threads > 1 {
                nonisolated(unsafe) let kernel = self
                let parts = min(threads, output.blocks), blocks = output.blocks
                SpinPool.shared.perform(parts) { part in
                    kernel.run(item: b, blocks: blocks * part / parts..<blocks * (part + 1) / parts)
                }
            } else {
                run(item: b, blocks: 0..<output.blocks)
            }
            if zeroesBorder {
                fer_blocked_border(y + b * output.item, Int32(output.blocks), output.blockStride, output.height,
                                   output.width)
            }
        }
    }

    private func run(item b: Int, blocks: Range<Int>) {
        var d = fer_blocked_depthwise(
            x: x + b * input.item + input.offset(y: -g.padTop, x: -g.padLeft), x_block: input.blockStride,
            x_row: input.row, stride: Int32(g.strideH), y: y + b * output.item + output.offset(y: 0, x: 0),
            y_block: output.blockStride, y_row: output.row, out_height: g.outHeight, out_width: g.outWidth,
            first_block: Int32(blocks.lowerBound), end_block: Int32(blocks.upperBound), w: packed.pointer,
            bias: epilogue.bias.pointer, lo: epilogue.lo, hi: epilogue.hi, slopes: epilogue.slopesPointer)
        fer_blocked_depthwise3x3(isa.code, &d)
    }
}
