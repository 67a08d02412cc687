/// A tensor whose values are known when a model is prepared: weights, and shape arithmetic.
///
/// Integer tensors (shapes, indices) are kept as `Int`; everything else as `Float`.
public struct ConstantTensor: Sendable, Equatable {
    /// The element storage of a constant.
    public enum Storage: Sendable, Equatable {
        case float([Float])
        case int([Int])
    }

    public var shape: [Int]
    public var storage: Storage

    public init(shape: [Int], floats: [Float]) {
        precondition(shape.reduce(1, *) == floats.count, "shape \(shape) does not match \(floats.count) values")
        self.shape = shape
        self.storage = .float(floats)
    }

    public init(shape: [Int], ints: [Int]) {
        precondition(shape.reduce(1, *) == ints.count, "shape \(shape) does not match \(ints.count) values")
        self.shape = shape
        self.storage = .int(ints)
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// Whether the elements are integers.
    public var isInt: Bool { if case .int = storage { return true } else { return false } }

    /// Values as floats (integers converted).
    public var floats: [Float] {
        switch storage {
        case .float(let v): return v
        case .int(let v): return v.map(Float.init)
        }
    }

    /// Values as integers (floats truncated).
    public var ints: [Int] {
        switch storage {
        case .int(let v): return v
        case .float(let v): return v.map { Int($0) }
        }
    }

    /// The same values with another shape of equal element count.
    func reshaped(_ newShape: [Int]) -> ConstantTensor {
        var copy = self
        copy.shape = newShape
        return copy
    }

    /// A tensor of the same kind (int or float) built from a transform of its elements' indices.
    func gathered(shape newShape: [Int], indices: [Int]) -> ConstantTensor {
        switch storage {
        case .float(let v): return ConstantTensor(shape: newShape, floats: indices.map { v[$0] })
        case .int(let v): return ConstantTensor(shape: newShape, ints: indices.map { v[$0] })
        }
    }
}
