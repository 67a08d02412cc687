import CKernels

/// MaxPool / AveragePool over NCHW windows, with pads and ceil mode resolved at planning; max pooling
/// without dilation in C (`fer_max_pool`).
final class PoolKernel: Kernel {
    enum Kind { case max, average(countIncludePad: Bool) }

    let g: ConvGeometry
    let kind: Kind
    let x: UnsafeMutablePointer<Float>
    let y: UnsafeMutablePointer<Float>
    let activation: Activation
    /// For the separable max path (`fer_max_pool`): one padded row per output row, `pitch` floats apart,
    /// -infinity outside `[padLeft, padLeft + width)`.
    private let rows: OwnedBuffer?
    private let pitch: Int
    let isa: InstructionSet

    init(geometry: ConvGeometry, kind: Kind, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
         activation: Activation, isa: InstructionSet) {
        self.g = geometry
        self.isa = isa
        self.kind = kind
        self.x = x
        self.y = y
        self.activation = activation
        var isMax = false
        if case .max = kind { isMax = true }
        if isMax, g.dilationH == 1, g.dilationW == 1 {
            pitch = (fer_max_pool_row_floats(g.width, Int32(g.padLeft), Int32(g.padRight), g.outWidth,
                                             Int32(g.kernelW), Int32(g.strideW)) + 15) / 16 * 16
            let count = g.outHeight * pitch
            let buffer = OwnedBuffer(zeros: count)
            buffer.pointer.update(repeating: -.infinity, count: count)
            rows = buffer
        } else {
            rows = nil
            pitch = 0
        }
    }

    func run() {
        for p in 0..<g.batch * g.channels {
            let dst = y + p * g.outPlane
            if let rows {
                var mp = fer_maxpool(x: x + p * g.inPlane, height: g.height, width: g.width, kernel_h: Int32(g.kernelH),
                                     kernel_w: Int32(g.kernelW), stride_h: Int32(g.strideH), stride_w: Int32(g.strideW),
                                     pad_top: Int32(g.padTop), pad_left: Int32(g.padLeft), out_height: g.outHeight,
                                     out_width: g.outWidth, y: dst, rows: rows.pointer, pitch: pitch)
                fer_max_pool(isa.code, &mp)
            } else {
                window(x + p * g.inPlane, dst)
            }
            if activation != .none {
                Epilogue(activation: activation, bias: 0, channel: 0).apply(to: dst, count: g.outPlane)
            }
        }
    }

    private func window(_ src: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>) {
        for oy in 0..<g.outHeight {
            let y0 = oy * g.strideH - g.padTop
            let yEnd = min(y0 + (g.kernelH - 1) * g.dilationH + 1, g.height + g.padBottom)
            for ox in 0..<g.outWidth {
                let x0 = ox * g.strideW - g.padLeft
                let xEnd = min(x0 + (g.kernelW - 1) * g.dilationW + 1, g.width + g.padRight)
                switch kind {
                case .max:
                    var m = -Float.infinity
                    var iy = y0
                    while iy < yEnd {
                        if iy >= 0 && iy < g.height {
                            var ix = x0
                            while ix < xEnd {
                                if ix >= 0 && ix < g.width { m = max(m, src[iy * g.width + ix]) }
                                ix += g.dilationW
                            }
                        }
                        iy += g.dilationH
                    }
                    dst[oy * g.outWidth + ox] = m
                case .average(let includePad):
                    var s: Float = 0
                    var n = 0
                    var padded = 0
                    var iy = y0
                    while iy < yEnd {
                        var ix = x0
                        while ix < xEnd {
                            padded += 1
                            if iy >= 0 && iy < g.height && ix >= 0 && ix < g.width {
                                s += src[iy * g.width + ix]
                                n += 1
                            }
                            ix += g.dilationW
                        }
                        iy += g.dilationH
                    }
                    let divisor = includePad ? padded : n
                    dst[oy * g.outWidth + ox] = divisor > 0 ? s / Float(divisor) : 0
                }
            }
        }
    }
}

/// GlobalAveragePool / GlobalMaxPool: one value per (batch, channel) plane.
final class GlobalPoolKernel: Kernel {
    let planes: Int, planeSize: Int
    let isMax: Bool
    let x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>

    init(planes: Int, planeSize: Int, isMax: Bool, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>) {
        self.planes = planes
        self.planeSize = planeSize
        self.isMax = isMax
        self.x = x
        self.y = y
    }

    func run() {
        for p in 0..<planes {
            let src = x + p * planeSize
            if isMax {
                var m = -Float.infinity
                for i in 0..<planeSize { m = max(m, src[i]) }
                y[p] = m
            } else {
                var acc = Vector.V(repeating: 0)
                var i = 0
                while i + 8 <= planeSize { acc += Vector.load(src + i); i += 8 }
                var s = acc.sum()
                while i < planeSize { s += src[i]; i += 1 }
                y[p] = s / Float(planeSize)
            }
        }
    }
}
