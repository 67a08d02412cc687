import Dispatch

/// Picks, at plan time, the fastest of a kernel's interchangeable variants by timing them on the
/// session's own buffers (the arena holds zeros or stale activations: time does not depend on values).
///
/// Only variants whose results are the same to the bit compete (the same sums in the same order, fused
/// the same way), so the choice changes speed, never output.
enum Autotune {
    /// The index of the fastest of `count` variants: each timed in turn, round after round (so that a
    /// change in the machine's speed hits all alike), the best of three timed rounds after a warm-up.
    static func fastest(_ count: Int, run: (Int) -> Void) -> Int {
        guard count > 1 else { return 0 }
        var best = [UInt64](repeating: .max, count: count)
        for round in 0..<4 {
            for index in 0..<count {
                let start = DispatchTime.now().uptimeNanoseconds
                run(index)
                let elapsed = DispatchTime.now().uptimeNanoseconds - start
                if round > 0 { best[index] = min(best[index], elapsed) }
            }
        }
        return best.indices.min { best[$0] < best[$1] }!
    }
}
