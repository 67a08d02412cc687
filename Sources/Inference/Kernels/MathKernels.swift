import COpenBLAS
import Foundation

/// Softmax over one axis: `outer` groups of `axisSize` values strided by `inner`.
final class SoftmaxKernel: Kernel {
    let x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
    let outer: Int, axisSize: Int, inner: Int

    init(x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, outer: Int, axisSize: Int, inner: Int) {
        self.x = x
        self.y = y
        self.outer = outer
        self.axisSize = axisSize
        self.inner = inner
    }

    func run() {
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * axisSize * inner + i
                var m = -Float.infinity
                for k in 0..<axisSize { m = max(m, x[base + k * inner]) }
                var sum: Float = 0
                for k in 0..<axisSize {
                    let e = Foundation.exp(x[base + k * inner] - m)
                    y[base + k * inner] = e
                    sum += e
                }
                let inv = 1 / sum
                for k in 0..<axisSize { y[base + k * inner] *= inv }
            }
        }
    }
}

/// Matrix products (Gemm, MatMul) through cblas_sgemm, batched over leading dimensions.
final class GemmKernel: Kernel {
    let a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
    let m: Int, n: Int, k: Int
    let transA: Bool, transB: Bool
    let alpha: Float
    /// Per-batch element strides of A, B and Y (0 for a shared operand).
    let batch: Int, aStride: Int, bStride: Int
    /// Bias added to every row (length n), one value per column, or a full [m, n] matrix.
    let bias: OwnedBuffer?
    let biasIsMatrix: Bool
    let activation: Activation
    let constants: [OwnedBuffer]

    init(a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
         m: Int, n: Int, k: Int, transA: Bool, transB: Bool, alpha: Float,
         batch: Int, aStride: Int, bStride: Int, bias: [Float]?, activation: Activation, constants: [OwnedBuffer]) {
        self.a = a
        self.b = b
        self.y = y
        self.m = m
        self.n = n
        self.k = k
        self.transA = transA
        self.transB = transB
        self.alpha = alpha
        self.batch = batch
        self.aStride = aStride
        self.bStride = bStride
        self.bias = bias.map { OwnedBuffer($0) }
        self.biasIsMatrix = (bias?.count ?? 0) == m * n && m > 1
        self.activation = activation
        self.constants = constants
    }

    func run() {
        for t in 0..<batch {
            let out = y + t * m * n
            var beta: Float = 0
            if let bias {
                if biasIsMatrix {
                    out.update(from: bias.pointer, count: m * n)
                } else {
                    for r in 0..<m { (out + r * n).update(from: bias.pointer, count: n) }
                }
                beta = 1
            }
            if m == 1 {
                // One row (a classifier's last layer): a matrix-vector product, which OpenBLAS runs at the
                // memory's speed; its sgemm takes this shape 3x slower (MobileNetV2's 1280x1000: 0.69 ms).
                cblas_sgemv(CblasRowMajor, transB ? CblasNoTrans : CblasTrans,
                            Int32(transB ? n : k), Int32(transB ? k : n), alpha,
                            b + t * bStride, Int32(transB ? k : n), a + t * aStride, 1, beta, out, 1)
            } else {
                cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), Int32(k), alpha,
                            a + t * aStride, Int32(transA ? m : k),
                            b + t * bStride, Int32(transB ? k : n),
                            beta, out, Int32(n))
            }
            if activation != .none {
                if case .prelu(let slopes) = activation, slopes.count > 1 {
                    for r in 0..<m {
                        for c in 0..<n { let v = out[r * n + c]; if v < 0 { out[r * n + c] = v * slopes[c] } }
                    }
                } else {
                    Epilogue(activation: activation, bias: 0, channel: 0).apply(to: out, count: m * n)
                }
            }
        }
    }
}
