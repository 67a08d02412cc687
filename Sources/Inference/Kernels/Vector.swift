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
