import Dispatch

/// Picks, at plan time, the fastest of a kernel's interchangeable variants by timing each on the
/// session's own buffers (the arena holds zeros or stale activations: time does not depend on values).
///
/// Only variants whose results are the same to the bit compete (the same sums in the same order, fused
/// the same way), so the choice changes speed, never output.
enum Autotune {
    /// The index of the fastest of `count` variants: the best of three timed runs each, after a warm-up.
    static func fastest(_ count: Int, run: (Int) -> Void) -> Int {
        guard count > 1 else { return 0 }
        var best = (index: 0, nanoseconds: UInt64.max)
        for index in 0..<count {
            var fastest = UInt64.max
            for round in 0..<4 {
                let start = DispatchTime.now().uptimeNanoseconds
                run(index)
                let elapsed = DispatchTime.now().uptimeNanoseconds - start
                if round > 0 { fastest = min(fastest, elapsed) }
            }
            if fastest < best.nanoseconds { best = (index, fastest) }
        }
        return best.index
    }
}
