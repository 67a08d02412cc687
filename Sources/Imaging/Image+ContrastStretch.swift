extension Image {
    /// The image with its `lowPercentile` value mapped to 0 and its `highPercentile` value to 255, linearly
    /// (values outside clipped): a per-crop contrast stretch that undoes a dim or low-contrast exposure.
    ///
    /// Percentiles are taken over every byte (all channels together, so colours keep their balance) and
    /// interpolated between order statistics as NumPy's default `percentile` does. When the two values are
    /// closer than `minimumRange` grey levels the stretch uses `minimumRange`, so a flat crop's noise is not
    /// blown up to full contrast. Percentiles must satisfy 0 ≤ low < high ≤ 100 and `minimumRange` ≥ 1.
    public func contrastStretched(lowPercentile: Float, highPercentile: Float, minimumRange: Float) -> Image {
        precondition(lowPercentile >= 0 && lowPercentile < highPercentile && highPercentile <= 100 && minimumRange >= 1,
                     "Image.contrastStretched: need 0 <= low < high <= 100 and minimumRange >= 1")
        var histogram = [Int](repeating: 0, count: 256)
        withUnsafePixels { for v in $0 { histogram[Int(v)] += 1 } }
        let low = Self.percentile(lowPercentile, of: histogram, count: pixels.count)
        let high = Self.percentile(highPercentile, of: histogram, count: pixels.count)
        let gain = 255 / max(high - low, minimumRange)
        var table = [UInt8](repeating: 0, count: 256)
        for v in 0..<256 { table[v] = UInt8(min(255, max(0, ((Float(v) - low) * gain).rounded()))) }
        var out = self
        out.withUnsafeMutablePixels { p in
            table.withUnsafeBufferPointer { t in for i in p.indices { p[i] = t[Int(p[i])] } }
        }
        return out
    }

    /// The `q`-th percentile of `count` values given as a 256-bin histogram: linear interpolation between the
    /// order statistics at rank q/100 × (count − 1), as `numpy.percentile` does by default.
    static func percentile(_ q: Float, of histogram: [Int], count: Int) -> Float {
        let rank = Double(q) / 100 * Double(count - 1)
        let below = Int(rank.rounded(.down)), fraction = Float(rank - Double(below))
        let a = Float(value(atRank: below, in: histogram))
        guard fraction > 0 else { return a }
        return a + fraction * (Float(value(atRank: below + 1, in: histogram)) - a)
    }

    /// The value of the `rank`-th smallest entry (0-based) in a 256-bin histogram.
    private static func value(atRank rank: Int, in histogram: [Int]) -> Int {
        var seen = 0
        for (v, n) in histogram.enumerated() {
            seen += n
            if seen > rank { return v }
        }
        return 255
    }
}
