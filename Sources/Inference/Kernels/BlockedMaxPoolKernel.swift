import CKernels

/// A max pool (dilation 1, any window, stride and padding) from blocked input to blocked output: each output
/// pixel's 16 channels the maximum of its window's pixels inside the input, as vectors.
final class BlockedMaxPoolKernel: Kernel {
    let g: ConvGeometry
    let input: BlockedLayout, output: BlockedLayout
    let x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
    let zeroesBorder: Bool
    let isa: InstructionSet

    init(geometry: ConvGeometry, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, zeroesBorder: Bool,
         isa: InstructionSet) {
        g = geometry
        input = BlockedLayout([g.batch, g.channels, g.height, g.width])
        output = BlockedLayout([g.batch, g.channels, g.outHeight, g.outWidth])
        (self.x, self.y, self.zeroesBorder, self.isa) = (x, y, zeroesBorder, isa)
    }

    func run() {
        for b in 0..<g.batch {
            var p = fer_blocked_pool(
                x: x + b * input.item + input.offset(y: 0, x: 0), x_block: input.blockStride, x_row: input.row,
                height: g.height, width: g.width, y: y + b * output.item + output.offset(y: 0, x: 0),
                y_block: output.blockStride, y_row: output.row, out_height: g.outHeight, out_width: g.outWidth,
                kernel_h: Int32(g.kernelH), kernel_w: Int32(g.kernelW), stride_h: Int32(g.strideH),
                stride_w: Int32(g.strideW), pad_top: Int32(g.padTop), pad_left: Int32(g.padLeft), first_block: 0,
                end_block: Int32(output.blocks))
            fer_blocked_max_pool(isa.code, &p)
            if zeroesBorder {
                fer_blocked_border(y + b * output.item, Int32(output.blocks), output.blockStride, output.height,
                                   output.width)
            }
        }
    }
}
