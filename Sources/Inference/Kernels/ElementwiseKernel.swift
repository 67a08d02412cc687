import Foundation

/// Add, Sub, Mul, Div with numpy broadcasting; dimensions are coalesced at planning time.
final class BinaryKernel: Kernel {
    enum Op { case add, sub, mul, div }

    let op: Op
    let a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
    /// Outer dimensions (all but the innermost run) and each operand's strides over them.
    let outer: [Int], aStrides: [Int], bStrides: [Int]
    /// The innermost contiguous run and whether each operand steps through it (1) or repeats (0).
    let inner: Int, aStep: Int, bStep: Int
    let activation: Activation
    let constants: [OwnedBuffer]
    let counter: MultiIndex

    init(op: Op, a: UnsafeMutablePointer<Float>, aShape: [Int], b: UnsafeMutablePointer<Float>, bShape: [Int],
         y: UnsafeMutablePointer<Float>, outShape: [Int], activation: Activation, constants: [OwnedBuffer]) {
        self.op = op
        self.a = a
        self.b = b
        self.y = y
        self.activation = activation
        self.constants = constants
        // Coalesce adjacent dimensions that broadcast the same way.
        var sa = Shapes.broadcastStrides(aShape, to: outShape)
        var sb = Shapes.broadcastStrides(bShape, to: outShape)
        var dims = outShape
        var i = dims.count - 1
        while i > 0 {
            let canMerge = (sa[i - 1] == sa[i] * dims[i]) && (sb[i - 1] == sb[i] * dims[i])
            if canMerge {
                dims[i - 1] *= dims[i]
                sa[i - 1] = sa[i]
                sb[i - 1] = sb[i]
                dims.remove(at: i); sa.remove(at: i); sb.remove(at: i)
            }
            i -= 1
        }
        if dims.isEmpty { dims = [1]; sa = [1]; sb = [1] }
        // Only unit or zero inner steps are vectorised; otherwise run element by element.
        if (sa.last == 1 || sa.last == 0) && (sb.last == 1 || sb.last == 0) {
            inner = dims.last!
            aStep = sa.last!
            bStep = sb.last!
            outer = Array(dims.dropLast())
            aStrides = Array(sa.dropLast())
            bStrides = Array(sb.dropLast())
        } else {
            inner = 1; aStep = 0; bStep = 0
            outer = dims; aStrides = sa; bStrides = sb
        }
        counter = MultiIndex(rank: outer.count)
    }

    func run() {
        let total = outer.reduce(1, *)
        let index = counter.reset()
        var ao = 0, bo = 0
        var out = y
        for _ in 0..<total {
            apply(a + ao, b + bo, out)
            out += inner
            // Advance the multi-index.
            var d = outer.count - 1
            while d >= 0 {
                index[d] += 1
                ao += aStrides[d]
                bo += bStrides[d]
                if index[d] < outer[d] { break }
                ao -= aStrides[d] * outer[d]
                bo -= bStrides[d] * outer[d]
                index[d] = 0
                d -= 1
            }
        }
        if activation != .none {
            Epilogue(activation: activation, bias: 0, channel: 0).apply(to: y, count: total * inner)
        }
    }

    @inline(__always)
    private func apply(_ pa: UnsafeMutablePointer<Float>, _ pb: UnsafeMutablePointer<Float>,
                       _ out: UnsafeMutablePointer<Float>) {
        let n = inner
        var i = 0
        switch (aStep, bStep) {
        case (1, 1):
            while i + 8 <= n { Vector.store(combine(Vector.load(pa + i), Vector.load(pb + i)), out + i); i += 8 }
        case (1, 0):
            let vb = Vector.V(repeating: pb.pointee)
            while i + 8 <= n { Vector.store(combine(Vector.load(pa + i), vb), out + i); i += 8 }
        case (0, 1):
            let va = Vector.V(repeating: pa.pointee)
            while i + 8 <= n { Vector.store(combine(va, Vector.load(pb + i)), out + i); i += 8 }
        default:
            break
        }
        while i < n {
            let u = pa[i * aStep], v = pb[i * bStep]
            switch op {
            case .add: out[i] = u + v
            case .sub: out[i] = u - v
            case .mul: out[i] = u * v
            case .div: out[i] = u / v
            }
            i += 1
        }
    }

    @inline(__always)
    private func combine(_ u: Vector.V, _ v: Vector.V) -> Vector.V {
        switch op {
        case .add: return u + v
        case .sub: return u - v
        case .mul: return u * v
        case .div: return u / v
        }
    }
}

/// Unary activations on a whole tensor (Relu, Sigmoid, Tanh, Exp, Clip, LeakyRelu, per-channel PRelu).
final class UnaryKernel: Kernel {
    enum Op { case activation(Activation), tanh, exp }

    let op: Op
    let x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
    let count: Int
    /// For per-channel PRelu: channels and the size of one channel's run.
    let channels: Int, channelSize: Int

    init(op: Op, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int,
         channels: Int = 1, channelSize: Int = 0) {
        self.op = op
        self.x = x
        self.y = y
        self.count = count
        self.channels = channels
        self.channelSize = channelSize == 0 ? count : channelSize
    }

    func run() {
        if x != y { y.update(from: x, count: count) }
        switch op {
        case .activation(let activation):
            let runs = count / channelSize
            for r in 0..<runs {
                Epilogue(activation: activation, bias: 0, channel: r % channels).apply(to: y + r * channelSize, count: channelSize)
            }
        case .tanh:
            for i in 0..<count { y[i] = Foundation.tanh(y[i]) }
        case .exp:
            for i in 0..<count { y[i] = Foundation.exp(y[i]) }
        }
    }
}

/// Per-channel affine transform (an unfused BatchNormalization).
final class ChannelAffineKernel: Kernel {
    let x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
    let batch: Int, channels: Int, plane: Int
    let scale: [Float], shift: [Float]
    let activation: Activation

    init(x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, batch: Int, channels: Int, plane: Int,
         scale: [Float], shift: [Float], activation: Activation) {
        self.x = x
        self.y = y
        self.batch = batch
        self.channels = channels
        self.plane = plane
        self.scale = scale
        self.shift = shift
        self.activation = activation
    }

    func run() {
        for b in 0..<batch {
            for c in 0..<channels {
                let src = x + (b * channels + c) * plane
                let dst = y + (b * channels + c) * plane
                let s = scale[c]
                for i in 0..<plane { dst[i] = src[i] * s }
                Epilogue(activation: activation, bias: shift[c], channel: c).apply(to: dst, count: plane)
            }
        }
    }
}
