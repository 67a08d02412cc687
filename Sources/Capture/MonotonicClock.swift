import Glibc

/// Seconds on CLOCK_MONOTONIC: the clock every capture and latency time in fer-live uses.
public enum MonotonicClock {
    /// The current monotonic time in seconds.
    public static var now: Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
