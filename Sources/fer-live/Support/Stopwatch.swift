import Dispatch

/// Wall-clock timing of repeated work, summarised as median and 90th percentile.
struct Stopwatch {
    /// Milliseconds since an arbitrary origin.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }

    /// Times `body` `runs` times after `warmup` untimed runs; returns sorted samples in ms.
    static func measure(runs: Int, warmup: Int, _ body: () throws -> Void) rethrows -> Samples {
        for _ in 0..<warmup { try body() }
        var samples: [Double] = []
        samples.reserveCapacity(runs)
        for _ in 0..<runs {
            let start = now()
            try body()
            samples.append(now() - start)
        }
        return Samples(samples)
    }

    /// Sorted timing samples in milliseconds.
    struct Samples {
        let sorted: [Double]
        init(_ values: [Double]) { sorted = values.sorted() }
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count - 1)).rounded())))
            return sorted[index]
        }
        var median: Double { percentile(50) }
        var p90: Double { percentile(90) }
    }
}
