import CKernels

/// NCHW planes into the blocked layout (border and channels past the tensor's zero), or back: W channels x W
/// pixels at a time, transposed in vectors.
final class BlockedConversionKernel: Kernel {
    /// Which way the tensor goes.
    enum Direction {
        case toBlocked, fromBlocked
    }

    let direction: Direction
    let layout: BlockedLayout
    let x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
    let isa: InstructionSet

    init(_ direction: Direction, layout: BlockedLayout, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
         isa: InstructionSet) {
        (self.direction, self.layout, self.x, self.y, self.isa) = (direction, layout, x, y, isa)
    }

    func run() {
        let l = layout, plane = l.channels * l.height * l.width
        for b in 0..<l.batch {
            switch direction {
            case .toBlocked:
                fer_to_blocked(isa.code, x + b * plane, Int32(l.channels), l.height, l.width, y + b * l.item,
                               l.blockStride)
            case .fromBlocked:
                fer_from_blocked(isa.code, x + b * l.item, l.blockStride, Int32(l.channels), l.height, l.width,
                                 y + b * plane)
            }
        }
    }
}
