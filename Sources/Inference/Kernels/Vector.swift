import Foundation

/// Vectorised loops over contiguous float runs, shared by the kernels.
enum Vector {
    typealias V = SIMD8<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// Lane-wise maximum (the generic `pointwiseMax` is not specialised and costs a call per vector).
    @inline(__always)
    static func vmax(_ a: V, _ b: V) -> V { a.replacing(with: b, where: a .< b) }

    /// Lane-wise minimum.
    @inline(__always)
    static func vmin(_ a: V, _ b: V) -> V { a.replacing(with: b, where: b .< a) }

    /// `x[i] = act(x[i] + bias)` over `count` values sharing one bias and one PReLU slope.
    static func biasActivate(
        _ x: UnsafeMutablePointer<Float>, count: Int, bias: Float, activation: Activation, slope: Float
    ) {
        var i = 0
        let vb = V(repeating: bias)
        switch activation {
        case .none:
            if bias == 0 { return }
            while i + 8 <= count { store(load(x + i) + vb, x + i); i += 8 }
            while i < count { x[i] += bias; i += 1 }
        case .relu:
            let zero = V(repeating: 0)
            while i + 8 <= count { store(vmax(load(x + i) + vb, zero), x + i); i += 8 }
            while i < count { x[i] = max(x[i] + bias, 0); i += 1 }
        case .clip(let lo, let hi):
            let vlo = V(repeating: lo), vhi = V(repeating: hi)
            while i + 8 <= count { store(vmin(vmax(load(x + i) + vb, vlo), vhi), x + i); i += 8 }
            while i < count { x[i] = min(max(x[i] + bias, lo), hi); i += 1 }
        case .leakyRelu:
            preluRun(x, count: count, bias: bias, slope: slope)
        case .prelu:
            preluRun(x, count: count, bias: bias, slope: slope)
        case .sigmoid:
            while i < count { x[i] = 1 / (1 + Foundation.exp(-(x[i] + bias))); i += 1 }
        }
    }

    @inline(__always)
    private static func preluRun(_ x: UnsafeMutablePointer<Float>, count: Int, bias: Float, slope: Float) {
        var i = 0
        let vb = V(repeating: bias), vs = V(repeating: slope), zero = V(repeating: 0)
        while i + 8 <= count {
            let v = load(x + i) + vb
            store(vmax(v, zero) + vs * vmin(v, zero), x + i)
            i += 8
        }
        while i < count { let v = x[i] + bias; x[i] = v > 0 ? v : v * slope; i += 1 }
    }

    /// The slope an activation uses for channel `c` (0 when it has none).
    @inline(__always)
    static func slope(_ activation: Activation, channel c: Int) -> Float {
        switch activation {
        case .leakyRelu(let a): return a
        case .prelu(let slopes): return slopes.count == 1 ? slopes[0] : slopes[c]
        default: return 0
        }
    }
}

extension Vector {
    /// `acc + a * b`, fused where the build targets a CPU with FMA (see Package.swift).
    @inline(__always)
    static func madd(_ acc: V, _ a: V, _ b: V) -> V {
        #if FER_LIVE_FMA || arch(arm64)
        return acc.addingProduct(a, b)
        #else
        return acc + a * b
        #endif
    }
}
