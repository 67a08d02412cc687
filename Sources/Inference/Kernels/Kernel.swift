/// One runnable step of a planned graph; pointers are resolved when the session is built.
protocol Kernel {
    func run()
}

/// Resolves a slot id to its place in the session's arena.
typealias PointerResolver = (Int) -> UnsafeMutablePointer<Float>

/// Cache-line aligned float storage. Vector loads from an arena that is only 16-byte aligned
/// straddle cache lines half the time, which costs up to 1.5x on small models.
func alignedFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
        .bindMemory(to: Float.self, capacity: count)
}

/// Float storage owned by a kernel (packed weights, biases, constant operands).
final class OwnedBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(_ values: [Float]) {
        count = values.count
        pointer = alignedFloats(max(count, 1))
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { pointer.initialize(from: base, count: count) }
        }
    }

    init(zeros count: Int) {
        self.count = count
        pointer = alignedFloats(max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}

/// An activation applied in place after a kernel's main computation.
enum Activation: Equatable {
    case none
    case relu
    case leakyRelu(Float)
    case clip(Float, Float)
    case sigmoid
    /// Per-channel slopes (or one shared slope).
    case prelu([Float])

    var name: String {
        switch self {
        case .none: return ""
        case .relu: return "Relu"
        case .leakyRelu: return "LeakyRelu"
        case .clip: return "Clip"
        case .sigmoid: return "Sigmoid"
        case .prelu: return "PRelu"
        }
    }
}

/// A multi-dimensional counter owned by a kernel that walks a tensor element by element, so a
/// run allocates nothing.
final class MultiIndex {
    let pointer: UnsafeMutablePointer<Int>
    let rank: Int

    init(rank: Int) {
        self.rank = rank
        pointer = .allocate(capacity: max(rank, 1))
        pointer.initialize(repeating: 0, count: max(rank, 1))
    }

    /// All zeros, ready for a new walk.
    func reset() -> UnsafeMutablePointer<Int> {
        pointer.update(repeating: 0, count: rank)
        return pointer
    }

    deinit { pointer.deallocate() }
}
