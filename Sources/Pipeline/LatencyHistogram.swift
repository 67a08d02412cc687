/// Latencies in fixed 0.1 ms bins up to 2 s (one overflow bin): constant memory, exact enough percentiles.
public struct LatencyHistogram: Sendable {
    private static let binWidth = 0.1
    private static let binCount = 20_000
    private var bins = [UInt32](repeating: 0, count: LatencyHistogram.binCount + 1)
    /// Samples recorded.
    public private(set) var count = 0
    /// Sum of the samples, in milliseconds.
    public private(set) var sum = 0.0
    /// Largest sample, in milliseconds.
    public private(set) var maximum = 0.0

    public init() {}

    /// Records one latency in milliseconds (negative values count as 0).
    public mutating func record(_ milliseconds: Double) {
        let value = milliseconds.isFinite ? max(0, milliseconds) : 0
        let bin = min(Int(value / Self.binWidth), Self.binCount)
        bins[bin] &+= 1
        count += 1
        sum += value
        maximum = max(maximum, value)
    }

    /// The latency below which a fraction `q` (0...1) of samples fall, at the bin's upper edge; 0 when empty.
    public func percentile(_ q: Double) -> Double {
        guard count > 0 else { return 0 }
        let target = max(1, Int((q * Double(count)).rounded(.up)))
        var seen = 0
        for (i, n) in bins.enumerated() {
            seen += Int(n)
            if seen >= target { return i == Self.binCount ? maximum : min(maximum, Double(i + 1) * Self.binWidth) }
        }
        return maximum
    }

    /// Mean latency in milliseconds; 0 when empty.
    public var mean: Double { count > 0 ? sum / Double(count) : 0 }

    /// Forgets every sample.
    public mutating func reset() { self = LatencyHistogram() }
}
