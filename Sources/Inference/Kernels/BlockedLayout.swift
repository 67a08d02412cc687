import CKernels

/// The blocked (NCHWc) layout of one tensor: `blocks` blocks of 16 channels, each a plane of (height + 2) x
/// (width + 2) pixels of 16 floats, with a border of one pixel all round (see `fer_blocked_conv`).
struct BlockedLayout: Equatable {
    let batch: Int, channels: Int, height: Int, width: Int

    /// The layout of an NCHW shape.
    init(_ shape: [Int]) {
        (batch, channels, height, width) = (shape[0], shape[1], shape[2], shape[3])
    }

    static let block = Int(FER_BLOCK)

    var blocks: Int { (channels + Self.block - 1) / Self.block }
    /// Floats per pixel row, border included.
    var row: Int { (width + 2) * Self.block }
    /// Floats per block.
    var blockStride: Int { (height + 2) * row }
    /// Floats per batch item.
    var item: Int { blocks * blockStride }
    var floats: Int { batch * item }

    /// The offset of interior pixel (y, x) (either may be -1 or the size, on the border) in a block.
    func offset(y: Int, x: Int) -> Int { (y + 1) * row + (x + 1) * Self.block }
}

/// Bias and activation of a blocked kernel's output channels, padded to whole blocks with zeros.
struct BlockedEpilogue {
    let bias: OwnedBuffer
    /// Per channel, only where the activation has a slope (LeakyRelu, PRelu).
    let slopes: OwnedBuffer?
    let lo: Float, hi: Float

    init(channels: Int, bias: [Float], activation: Activation) {
        let padded = (channels + BlockedLayout.block - 1) / BlockedLayout.block * BlockedLayout.block
        self.bias = OwnedBuffer((0..<padded).map { $0 < channels ? bias[$0] : 0 })
        let slopes = (0..<padded).map { $0 < channels ? Vector.slope(activation, channel: $0) : 0 }
        self.slopes = slopes.contains { $0 != 0 } ? OwnedBuffer(slopes) : nil
        (lo, hi) = Epilogue.bounds(activation)
    }

    var slopesPointer: UnsafePointer<Float>? { slopes.map { UnsafePointer($0.pointer) } }
}
