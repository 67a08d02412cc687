/// MaxPool / AveragePool over NCHW windows, with pads and ceil mode resolved at planning.
final class PoolKernel: Kernel {
    enum Kind { case max, average(countIncludePad: Bool) }

    let g: ConvGeometry
    let kind: Kind
    let x: UnsafeMutablePointer<Float>
    let y: UnsafeMutablePointer<Float>
    let activation: Activation

    init(geometry: ConvGeometry, kind: Kind, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
         activation: Activation) {
        self.g = geometry
        self.kind = kind
        self.x = x
        self.y = y
        self.activation = activation
    }

    func run() {
        let planes = g.batch * g.channels
        let fast2x2 = g.kernelH == 2 && g.kernelW == 2 && g.strideH == 2 && g.strideW == 2
            && g.padTop == 0 && g.padLeft == 0 && g.outHeight * 2 <= g.height && g.outWidth * 2 <= g.width
        for p in 0..<planes {
            let src = x + p * g.inPlane
            let dst = y + p * g.outPlane
            if case .max = kind, fast2x2 {
                for oy in 0..<g.outHeight {
                    let r0 = src + 2 * oy * g.width, r1 = r0 + g.width
                    let out = dst + oy * g.outWidth
                    for ox in 0..<g.outWidth {
                        out[ox] = max(max(r0[2 * ox], r0[2 * ox + 1]), max(r1[2 * ox], r1[2 * ox + 1]))
                    }
                }
            } else {
                window(src, dst)
            }
            if activation != .none {
                Vector.biasActivate(dst, count: g.outPlane, bias: 0, activation: activation, slope: 0)
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
