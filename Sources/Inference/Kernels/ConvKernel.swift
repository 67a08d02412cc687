import COpenBLAS
import Foundation

/// Geometry of a 2-D convolution or pooling window over an NCHW tensor.
struct ConvGeometry {
    var batch: Int, channels: Int, height: Int, width: Int
    var outChannels: Int, outHeight: Int, outWidth: Int
    var kernelH: Int, kernelW: Int
    var strideH: Int, strideW: Int
    var dilationH: Int, dilationW: Int
    var padTop: Int, padLeft: Int, padBottom: Int, padRight: Int
    var group: Int

    var inPlane: Int { height * width }
    var outPlane: Int { outHeight * outWidth }
    /// Rows of the im2col matrix for one group.
    var patchSize: Int { (channels / group) * kernelH * kernelW }
    var isPointwise: Bool {
        kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1
            && padTop == 0 && padLeft == 0 && padBottom == 0 && padRight == 0
    }
    var isDepthwise: Bool { group == channels && outChannels == channels && group > 1 }
}

/// Convolution through im2col (skipped for 1x1) and OpenBLAS sgemm, with bias and activation fused.
final class ConvKernel: Kernel {
    let g: ConvGeometry
    let x: UnsafeMutablePointer<Float>
    let y: UnsafeMutablePointer<Float>
    let scratch: UnsafeMutablePointer<Float>
    let weights: OwnedBuffer
    let bias: [Float]
    let activation: Activation

    /// Scratch floats the im2col matrix of one group needs.
    static func scratchSize(_ g: ConvGeometry) -> Int { g.isPointwise ? 0 : g.patchSize * g.outPlane }

    init(geometry: ConvGeometry, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
         scratch: UnsafeMutablePointer<Float>, weights: [Float], bias: [Float], activation: Activation) {
        self.g = geometry
        self.x = x
        self.y = y
        self.scratch = scratch
        self.weights = OwnedBuffer(weights)
        self.bias = bias
        self.activation = activation
    }

    func run() {
        let cg = g.channels / g.group
        let mg = g.outChannels / g.group
        let k = g.patchSize
        let n = g.outPlane
        for b in 0..<g.batch {
            for grp in 0..<g.group {
                let input = x + (b * g.channels + grp * cg) * g.inPlane
                let output = y + (b * g.outChannels + grp * mg) * n
                let matrix: UnsafeMutablePointer<Float>
                if g.isPointwise {
                    matrix = input
                } else {
                    im2col(input, channels: cg)
                    matrix = scratch
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                            Int32(mg), Int32(n), Int32(k), 1,
                            weights.pointer + grp * mg * k, Int32(k),
                            matrix, Int32(n), 0, output, Int32(n))
                for m in 0..<mg {
                    let channel = grp * mg + m
                    Vector.biasActivate(output + m * n, count: n, bias: bias[channel], activation: activation,
                                        slope: Vector.slope(activation, channel: channel))
                }
            }
        }
    }

    private func im2col(_ input: UnsafeMutablePointer<Float>, channels cg: Int) {
        let oh = g.outHeight, ow = g.outWidth, h = g.height, w = g.width
        var row = scratch
        for c in 0..<cg {
            let plane = input + c * g.inPlane
            for ky in 0..<g.kernelH {
                for kx in 0..<g.kernelW {
                    let xOffset = kx * g.dilationW - g.padLeft
                    // Output columns whose input column lies inside the image.
                    var ox0 = 0
                    while ox0 < ow && ox0 * g.strideW + xOffset < 0 { ox0 += 1 }
                    var ox1 = ow
                    while ox1 > ox0 && (ox1 - 1) * g.strideW + xOffset >= w { ox1 -= 1 }
                    for oy in 0..<oh {
                        let dst = row + oy * ow
                        let iy = oy * g.strideH - g.padTop + ky * g.dilationH
                        if iy < 0 || iy >= h {
                            dst.update(repeating: 0, count: ow)
                            continue
                        }
                        if ox0 > 0 { dst.update(repeating: 0, count: ox0) }
                        if ox1 < ow { (dst + ox1).update(repeating: 0, count: ow - ox1) }
                        let src = plane + iy * w + xOffset
                        if g.strideW == 1 {
                            if ox1 > ox0 { (dst + ox0).update(from: src + ox0, count: ox1 - ox0) }
                        } else {
                            var ox = ox0
                            while ox < ox1 { dst[ox] = src[ox * g.strideW]; ox += 1 }
                        }
                    }
                    row += oh * ow
                }
            }
        }
    }
}
