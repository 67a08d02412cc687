import CKernels
import Foundation

/// One output channel's bias and activation, applied to vectors as a kernel stores them.
///
/// ReLU, Clip and none are one clamp; (Leaky/P)ReLU add `slope * min(x, 0)`; sigmoid is an out-of-line call.
struct Epilogue {
    private let bias: Vector.V, lo: Vector.V, hi: Vector.V, slope: Vector.V
    private let hasSlope: Bool, isSigmoid: Bool
    /// No bias and no activation: applying it changes nothing.
    let isIdentity: Bool

    init(activation: Activation, bias: Float, channel: Int) {
        let (lo, hi) = Self.bounds(activation)
        let slope = Vector.slope(activation, channel: channel)
        self.bias = Vector.V(repeating: bias)
        self.lo = Vector.V(repeating: lo)
        self.hi = Vector.V(repeating: hi)
        self.slope = Vector.V(repeating: slope)
        hasSlope = slope != 0
        isSigmoid = activation == .sigmoid
        isIdentity = bias == 0 && activation == .none
    }

    /// The clamp an activation applies before any slope: ReLU and its leaky kinds clamp at 0, Clip at its bounds.
    static func bounds(_ activation: Activation) -> (lo: Float, hi: Float) {
        switch activation {
        case .none, .sigmoid: return (-.infinity, .infinity)
        case .relu, .leakyRelu, .prelu: return (0, .infinity)
        case .clip(let l, let h): return (l, h)
        }
    }

    /// The epilogues of `count` channels.
    static func channels(_ count: Int, bias: [Float], activation: Activation) -> [Epilogue] {
        (0..<count).map { Epilogue(activation: activation, bias: bias[$0], channel: $0) }
    }

    /// The epilogues of `count` channels in the form the C kernels take.
    static func cChannels(_ count: Int, bias: [Float], activation: Activation) -> [fer_epilogue] {
        let (lo, hi) = bounds(activation)
        return (0..<count).map { c in
            fer_epilogue(bias: bias[c], lo: lo, hi: hi, slope: Vector.slope(activation, channel: c),
                         sigmoid: activation == .sigmoid ? 1 : 0)
        }
    }

    @inline(__always)
    func apply(_ v: Vector.V) -> Vector.V {
        let x = v + bias
        if isSigmoid { return Self.sigmoid(x) }
        let clamped = Vector.vmin(Vector.vmax(x, lo), hi)
        return hasSlope ? Vector.madd(clamped, slope, Vector.vmin(x, Vector.V(repeating: 0))) : clamped
    }

    @inline(__always)
    func apply(_ v: Float) -> Float {
        var x = v + bias[0]
        if isSigmoid {
            withUnsafeMutablePointer(to: &x) { fer_sigmoid_run(Self.sigmoidISA.code, $0, $0, 1) }
            return x
        }
        let clamped = min(max(x, lo[0]), hi[0])
        return hasSlope ? clamped + slope[0] * min(x, 0) : clamped
    }

    /// Applies the epilogue to a run of values in place.
    func apply(to x: UnsafeMutablePointer<Float>, count: Int) {
        if isIdentity { return }
        if isSigmoid {
            let b = bias[0]
            if b != 0 { for i in 0..<count { x[i] += b } }
            fer_sigmoid_run(Self.sigmoidISA.code, x, x, count)
            return
        }
        var i = 0
        while i + 8 <= count { Vector.store(apply(Vector.load(x + i)), x + i); i += 8 }
        while i < count { x[i] = apply(x[i]); i += 1 }
    }

    @inline(never)
    private static func sigmoid(_ x: Vector.V) -> Vector.V {
        var y = x
        withUnsafeMutableBytes(of: &y) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: Float.self)
            fer_sigmoid_run(sigmoidISA.code, p, p, Vector.V.scalarCount)
        }
        return y
    }

    /// The instruction set of the sigmoid (`fer_sigmoid_run`, the same bits on each): `FER_LIVE_ISA`'s, else the
    /// widest (an invalid `FER_LIVE_ISA` fails the session before any kernel runs).
    private static let sigmoidISA: InstructionSet = (try? InstructionSet.fromEnvironment()) ?? .best
}
