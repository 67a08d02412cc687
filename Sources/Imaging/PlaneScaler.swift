/// Resamples one 8-bit plane to another size: exact integer reductions (the common 2×, 3×, 4×, 6×
/// cases of camera frames to the detector's input) as box averages with vectorised row sums, anything
/// else through `Resampler` (bilinear up to 2× reduction, area beyond, as `Image.resized`).
///
/// For integer factors the box average equals the area average `Resampler` computes (up to rounding),
/// and at 2× both rules give the same 2-pixel mean, so the fast path does not change results.
enum PlaneScaler {
    /// The largest integer factor handled by the box path (its row sums are UInt16).
    static let maximumBoxFactor = 16

    static func scale(_ src: UnsafePointer<UInt8>, width sw: Int, height sh: Int,
                      into dst: UnsafeMutablePointer<UInt8>, width dw: Int, height dh: Int) {
        if sw == dw && sh == dh {
            dst.update(from: src, count: sw * sh)
            return
        }
        let fx = upsamplingFactor(sw, dw), fy = upsamplingFactor(sh, dh)
        if let fx, let fy {
            upsample(src, width: sw, height: sh, into: dst, width: dw, height: dh, fx: fx, fy: fy)
            return
        }
        if sw % dw == 0, sh % dh == 0, sw / dw <= maximumBoxFactor, sh / dh <= maximumBoxFactor {
            box(src, width: sw, height: sh, into: dst, width: dw, height: dh, fx: sw / dw, fy: sh / dh)
            return
        }
        Resampler.resample(src, width: sw, height: sh, channels: 1, into: dst, width: dw, height: dh)
    }

    /// 1 when `destination == source`, 2 when it is twice `source` (or one less: odd luma sizes), else nil.
    static func upsamplingFactor(_ source: Int, _ destination: Int) -> Int? {
        if destination == source { return 1 }
        if destination == 2 * source || destination == 2 * source - 1 { return 2 }
        return nil
    }

    /// Chroma upsampling by 2 on one or both axes with the triangle filter (weights 3/4 and 1/4, centred
    /// samples, edges clamped): libjpeg's "fancy upsampling", and what `Resampler` gives at exactly 2×.
    static func upsample(_ src: UnsafePointer<UInt8>, width sw: Int, height sh: Int,
                         into dst: UnsafeMutablePointer<UInt8>, width dw: Int, height dh: Int, fx: Int, fy: Int) {
        let column = UnsafeMutablePointer<UInt16>.allocate(capacity: sw)
        defer { column.deallocate() }
        for y in 0..<dh {
            // Vertical: 4 × the interpolated row.
            if fy == 2 {
                let sy = y / 2
                let near = src + sy * sw
                let far = src + (y % 2 == 0 ? max(sy - 1, 0) : min(sy + 1, sh - 1)) * sw
                for x in 0..<sw { column[x] = 3 &* UInt16(near[x]) &+ UInt16(far[x]) }
            } else {
                let row = src + y * sw
                for x in 0..<sw { column[x] = UInt16(row[x]) &<< 2 }
            }
            let out = dst + y * dw
            if fx == 1 {
                for x in 0..<dw { out[x] = UInt8(truncatingIfNeeded: (column[x] &+ 2) &>> 2) }
                continue
            }
            // Horizontal: (3 × own + neighbour + 8) / 16.
            let last = sw - 1
            out[0] = UInt8(truncatingIfNeeded: (column[0] &<< 2 &+ 8) &>> 4)
            for i in 0..<last {
                let a = column[i], b = column[i &+ 1]
                out[2 &* i &+ 1] = UInt8(truncatingIfNeeded: (3 &* a &+ b &+ 8) &>> 4)
                out[2 &* i &+ 2] = UInt8(truncatingIfNeeded: (a &+ 3 &* b &+ 8) &>> 4)
            }
            if 2 * last + 1 < dw {
                out[2 * last + 1] = UInt8(truncatingIfNeeded: (column[last] &<< 2 &+ 8) &>> 4)
            }
        }
    }

    /// Box average over `fx` × `fy` blocks.
    static func box(_ src: UnsafePointer<UInt8>, width sw: Int, height sh: Int,
                    into dst: UnsafeMutablePointer<UInt8>, width dw: Int, height dh: Int, fx: Int, fy: Int) {
        let rowSum = UnsafeMutablePointer<UInt16>.allocate(capacity: sw)
        defer { rowSum.deallocate() }
        // sum × multiplier >> 24 rounds sum / (fx·fy) to nearest (error < 2⁻¹⁰ for sums ≤ 255·256).
        let count = UInt32(fx * fy)
        let multiplier = (UInt32(1 << 24) + count / 2) / count
        for y in 0..<dh {
            let first = src + y * fy * sw
            for x in 0..<sw { rowSum[x] = UInt16(first[x]) }
            for r in 1..<max(fy, 1) {
                let row = first + r * sw
                for x in 0..<sw { rowSum[x] = rowSum[x] &+ UInt16(row[x]) }
            }
            let out = dst + y * dw
            // Constant factors let the compiler unroll and vectorise the horizontal sums.
            switch fx {
            case 1: horizontal(rowSum, into: out, width: dw, factor: 1, multiplier: multiplier)
            case 2: horizontal(rowSum, into: out, width: dw, factor: 2, multiplier: multiplier)
            case 3: horizontal(rowSum, into: out, width: dw, factor: 3, multiplier: multiplier)
            case 4: horizontal(rowSum, into: out, width: dw, factor: 4, multiplier: multiplier)
            case 6: horizontal(rowSum, into: out, width: dw, factor: 6, multiplier: multiplier)
            default: horizontal(rowSum, into: out, width: dw, factor: fx, multiplier: multiplier)
            }
        }
    }

    /// out[x] = round(Σ rowSum[x·factor ..< (x+1)·factor] / count), count folded into `multiplier`.
    @inline(__always)
    static func horizontal(_ rowSum: UnsafePointer<UInt16>, into out: UnsafeMutablePointer<UInt8>, width dw: Int,
                           factor: Int, multiplier: UInt32) {
        let half = UInt32(1 << 23)
        for x in 0..<dw {
            let base = rowSum + x &* factor
            var sum: UInt32 = 0
            for k in 0..<factor { sum = sum &+ UInt32(base[k]) }
            out[x] = UInt8(truncatingIfNeeded: (sum &* multiplier &+ half) &>> 24)
        }
    }
}
