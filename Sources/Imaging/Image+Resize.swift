extension Image {
    /// This image scaled to `width` × `height`.
    ///
    /// Each axis is resampled separately:
    /// - scale ≤ 2 (any upscale, or a downscale by up to 2×): bilinear with OpenCV's INTER_LINEAR
    ///   conventions — half-pixel centres, `src = (dst + 0.5)·scale − 0.5`, clamped at the edges,
    ///   11-bit fixed-point weights and the same rounding, so results equal OpenCV's generic path;
    /// - scale > 2: area averaging (OpenCV INTER_AREA style): each output pixel is the mean of the
    ///   source pixels its footprint covers, weighted by coverage, so large reductions do not alias.
    /// At exactly 2× both rules give the same 2-pixel box average, so the switch is seamless.
    public func resized(width newWidth: Int, height newHeight: Int) -> Image {
        precondition(newWidth > 0 && newHeight > 0 && newWidth <= Image.maximumDimension
                     && newHeight <= Image.maximumDimension,
                     "Image.resized: \(newWidth)x\(newHeight) is not a valid size")
        if newWidth == width && newHeight == height { return self }
        return Image(uncheckedWidth: newWidth, height: newHeight, format: format) { out in
            pixels.withUnsafeBufferPointer { src in
                Resampler.resample(src.baseAddress!, width: width, height: height, channels: channels,
                                   into: out.baseAddress!, width: newWidth, height: newHeight)
            }
        }
    }

    /// Resizes into an existing image of the wanted size and the same format, reusing its storage
    /// (no allocation of the output in a per-frame loop).
    public func resize(into destination: inout Image) {
        precondition(destination.format == format, "Image.resize(into:): formats differ (\(format) → \(destination.format))")
        let dw = destination.width, dh = destination.height
        if dw == width && dh == height {
            destination.pixels = pixels
            return
        }
        pixels.withUnsafeBufferPointer { src in
            destination.withUnsafeMutablePixels { out in
                Resampler.resample(src.baseAddress!, width: width, height: height, channels: channels,
                                   into: out.baseAddress!, width: dw, height: dh)
            }
        }
    }
}

/// Separable fixed-point resampling: a vertical pass over whole source rows (contiguous,
/// vectorised) into an Int32 row, then a horizontal pass with per-column taps.
enum Resampler {
    /// Weights are in units of 1/2048 per axis (OpenCV's INTER_RESIZE_COEF_BITS = 11).
    static let weightBits: Int32 = 11
    static let weightOne: Int32 = 1 << 11

    /// Per-destination-index taps along one axis: `taps` source indices and weights each,
    /// weights summing to 2048.
    struct Axis {
        var taps: Int
        var indices: [Int]
        var weights: [Int32]
    }

    static func axis(source: Int, destination: Int) -> Axis {
        let scale = Double(source) / Double(destination)
        return scale > 2 ? areaAxis(source: source, destination: destination)
                         : linearAxis(source: source, destination: destination)
    }

    /// OpenCV INTER_LINEAR taps.
    static func linearAxis(source: Int, destination: Int) -> Axis {
        var indices = [Int](repeating: 0, count: destination * 2)
        var weights = [Int32](repeating: 0, count: destination * 2)
        let scale = Double(source) / Double(destination)
        for d in 0..<destination {
            var f = Float((Double(d) + 0.5) * scale - 0.5)
            var s = Int(f.rounded(.down))
            f -= Float(s)
            if s < 0 { s = 0; f = 0 }
            if s >= source - 1 { s = source - 1; f = 0 }
            let w0 = Int32(((1 - f) * Float(weightOne)).rounded(.toNearestOrEven))
            indices[2 * d] = s
            indices[2 * d + 1] = min(s + 1, source - 1)
            weights[2 * d] = w0
            weights[2 * d + 1] = weightOne - w0
        }
        return Axis(taps: 2, indices: indices, weights: weights)
    }

    /// Area (box-coverage) taps for reductions by more than 2×.
    static func areaAxis(source: Int, destination: Int) -> Axis {
        let scale = Double(source) / Double(destination)
        let taps = Int(scale.rounded(.up)) + 1
        var indices = [Int](repeating: 0, count: destination * taps)
        var weights = [Int32](repeating: 0, count: destination * taps)
        for d in 0..<destination {
            let lo = Double(d) * scale, hi = min(Double(d + 1) * scale, Double(source))
            let first = Int(lo.rounded(.down))
            var sum: Int32 = 0
            var largest = 0
            for t in 0..<taps {
                let i = first + t
                let base = d * taps + t
                indices[base] = min(i, source - 1)
                guard i < source else { continue }
                let overlap = min(Double(i + 1), hi) - max(Double(i), lo)
                guard overlap > 0 else { continue }
                let w = Int32((overlap / scale * Double(weightOne)).rounded())
                weights[base] = w
                sum += w
                if w > weights[d * taps + largest] { largest = t }
            }
            weights[d * taps + largest] += weightOne - sum
        }
        return Axis(taps: taps, indices: indices, weights: weights)
    }

    static func resample(_ src: UnsafePointer<UInt8>, width sw: Int, height sh: Int, channels ch: Int,
                         into dst: UnsafeMutablePointer<UInt8>, width dw: Int, height dh: Int) {
        let xAxis = axis(source: sw, destination: dw)
        let yAxis = axis(source: sh, destination: dh)
        let rowLength = sw * ch
        let acc = UnsafeMutablePointer<Int32>.allocate(capacity: rowLength)
        defer { acc.deallocate() }

        // Horizontal taps with indices pre-multiplied by the channel count.
        let xIndices = xAxis.indices.map { $0 * ch }
        xIndices.withUnsafeBufferPointer { xi in
            xAxis.weights.withUnsafeBufferPointer { xw in
                yAxis.indices.withUnsafeBufferPointer { yi in
                    yAxis.weights.withUnsafeBufferPointer { yw in
                        for y in 0..<dh {
                            vertical(src, rowLength: rowLength, taps: yAxis.taps,
                                     indices: yi.baseAddress! + y * yAxis.taps,
                                     weights: yw.baseAddress! + y * yAxis.taps, into: acc)
                            let out = dst + y * dw * ch
                            switch (xAxis.taps, ch) {
                            case (2, 1): horizontal(acc, taps: 2, channels: 1, xi.baseAddress!, xw.baseAddress!, out, dw)
                            case (2, 3): horizontal(acc, taps: 2, channels: 3, xi.baseAddress!, xw.baseAddress!, out, dw)
                            case (_, 1): horizontal(acc, taps: xAxis.taps, channels: 1, xi.baseAddress!, xw.baseAddress!, out, dw)
                            default: horizontal(acc, taps: xAxis.taps, channels: ch, xi.baseAddress!, xw.baseAddress!, out, dw)
                            }
                        }
                    }
                }
            }
        }
    }

    /// acc[i] = Σ_t src[row_t][i] · w_t over one full source row length.
    @inline(__always)
    static func vertical(_ src: UnsafePointer<UInt8>, rowLength n: Int, taps: Int,
                         indices: UnsafePointer<Int>, weights: UnsafePointer<Int32>,
                         into acc: UnsafeMutablePointer<Int32>) {
        if taps == 2 {
            let r0 = src + indices[0] * n, r1 = src + indices[1] * n
            let w0 = weights[0], w1 = weights[1]
            for i in 0..<n {
                acc[i] = Int32(r0[i]) &* w0 &+ Int32(r1[i]) &* w1
            }
            return
        }
        let r0 = src + indices[0] * n
        let w0 = weights[0]
        for i in 0..<n { acc[i] = Int32(r0[i]) &* w0 }
        for t in 1..<taps {
            let w = weights[t]
            if w == 0 { continue }
            let r = src + indices[t] * n
            for i in 0..<n { acc[i] = acc[i] &+ Int32(r[i]) &* w }
        }
    }

    /// out[x·ch + c] = round(Σ_t acc[idx_t + c] · w_t / 2²²).
    @inline(__always)
    static func horizontal(_ acc: UnsafePointer<Int32>, taps: Int, channels ch: Int,
                           _ indices: UnsafePointer<Int>, _ weights: UnsafePointer<Int32>,
                           _ out: UnsafeMutablePointer<UInt8>, _ dw: Int) {
        let round: Int32 = 1 << (2 * weightBits - 1)
        for x in 0..<dw {
            let ti = indices + x &* taps, tw = weights + x &* taps
            for c in 0..<ch {
                var sum = round
                for t in 0..<taps {
                    sum = sum &+ acc[ti[t] &+ c] &* tw[t]
                }
                out[x &* ch &+ c] = UInt8(truncatingIfNeeded: sum &>> (2 * weightBits))
            }
        }
    }
}
