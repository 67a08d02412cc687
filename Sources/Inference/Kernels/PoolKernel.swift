/// MaxPool / AveragePool over NCHW windows, with pads and ceil mode resolved at planning.
final class PoolKernel: Kernel {
    enum Kind { case max, average(countIncludePad: Bool) }

    let g: ConvGeometry
    let kind: Kind
    let x: UnsafeMutablePointer<Float>
    let y: UnsafeMutablePointer<Float>
    let activation: Activation
    /// Whether the window is 2x2, stride 2, without padding (YuNet's pooling).
    private let isMax2x2: Bool
    /// For the separable max path: one padded row, -infinity outside `[padLeft, padLeft + width)`.
    private let row: OwnedBuffer?

    init(geometry: ConvGeometry, kind: Kind, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
         activation: Activation) {
        self.g = geometry
        self.kind = kind
        self.x = x
        self.y = y
        self.activation = activation
        var isMax = false
        if case .max = kind { isMax = true }
        isMax2x2 = isMax && g.kernelH == 2 && g.kernelW == 2 && g.strideH == 2 && g.strideW == 2
            && g.dilationH == 1 && g.dilationW == 1 && g.padTop == 0 && g.padLeft == 0
            && g.outHeight * 2 <= g.height && g.outWidth * 2 <= g.width
        if isMax, !isMax2x2, g.dilationH == 1, g.dilationW == 1 {
            // Room for the last output's full 16-float load at stride 2.
            let count = g.padLeft + g.width + g.padRight + 2 * Vector.V.scalarCount + g.kernelW
            let buffer = OwnedBuffer(zeros: count)
            buffer.pointer.update(repeating: -.infinity, count: count)
            row = buffer
        } else {
            row = nil
        }
    }

    func run() {
        for p in 0..<g.batch * g.channels {
            let dst = y + p * g.outPlane
            if isMax2x2 {
                max2x2(x + p * g.inPlane, dst)
            } else if let row {
                separableMax(x + p * g.inPlane, dst, row.pointer + g.padLeft)
            } else {
                window(x + p * g.inPlane, dst)
            }
            if activation != .none {
                Epilogue(activation: activation, bias: 0, channel: 0).apply(to: dst, count: g.outPlane)
            }
        }
    }

    /// 2x2 stride-2 max pooling without padding, straight from the two input rows.
    private func max2x2(_ src: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>) {
        let w = g.width, ow = g.outWidth
        for oy in 0..<g.outHeight {
            let r0 = src + 2 * oy * w, r1 = r0 + w
            let out = dst + oy * ow
            var ox = 0
            while ox + 8 <= ow {
                let a = UnsafeRawPointer(r0 + 2 * ox).loadUnaligned(as: SIMD16<Float>.self)
                let b = UnsafeRawPointer(r1 + 2 * ox).loadUnaligned(as: SIMD16<Float>.self)
                let m = a.replacing(with: b, where: a .< b)
                Vector.store(Vector.vmax(m.evenHalf, m.oddHalf), out + ox)
                ox += 8
            }
            while ox < ow {
                out[ox] = max(max(r0[2 * ox], r0[2 * ox + 1]), max(r1[2 * ox], r1[2 * ox + 1]))
                ox += 1
            }
        }
    }

    /// Max pooling as a column max over the window's rows into `row`, then a strided max along it.
    private func separableMax(_ src: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                              _ row: UnsafeMutablePointer<Float>) {
        let w = g.width, ow = g.outWidth, sw = g.strideW, kw = g.kernelW
        for oy in 0..<g.outHeight {
            let y0 = max(oy * g.strideH - g.padTop, 0)
            let y1 = min(oy * g.strideH - g.padTop + g.kernelH, g.height)
            if y1 > y0 {
                row.update(from: src + y0 * w, count: w)
            } else {
                row.update(repeating: -.infinity, count: w)
            }
            var iy = y0 + 1
            while iy < y1 {
                let r = src + iy * w
                var i = 0
                while i + 8 <= w { Vector.store(Vector.vmax(Vector.load(row + i), Vector.load(r + i)), row + i); i += 8 }
                while i < w { row[i] = max(row[i], r[i]); i += 1 }
                iy += 1
            }
            let out = dst + oy * ow
            let base = row - g.padLeft
            var ox = 0
            if sw <= 2 {
                while ox < ow {
                    var m = Vector.V(repeating: -.infinity)
                    for kx in 0..<kw {
                        let p = base + ox * sw + kx
                        let v = sw == 1 ? Vector.load(p) : UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self).evenHalf
                        m = Vector.vmax(m, v)
                    }
                    if ox + 8 <= ow {
                        Vector.store(m, out + ox)
                    } else {
                        for i in 0..<ow - ox { out[ox + i] = m[i] }
                    }
                    ox += 8
                }
            } else {
                for ox in 0..<ow {
                    var m = -Float.infinity
                    for kx in 0..<kw { m = max(m, base[ox * sw + kx]) }
                    out[ox] = m
                }
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
