import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress display on stderr (count/total, percent, bar, images per second, ETA),
/// drawn only when stderr is a terminal and at most about ten times a second. Thread-safe.
public final class ProgressBar: Sendable {
    /// Where rendered lines go; the default writes to stderr.
    public typealias Writer = @Sendable (String) -> Void
    /// Seconds on a monotonic clock.
    public typealias Clock = @Sendable () -> Double

    private let total: Int
    private let label: String
    private let writer: Writer?
    private let clock: Clock
    private let interval: Double
    private let start: Double
    private let state = Mutex(Progress())

    /// What changes as work is done.
    private struct Progress {
        var completed = 0
        var lastDraw = -Double.infinity
        var drawn = false
    }

    /// A bar that draws on stderr if, and only if, stderr is a terminal.
    public convenience init(total: Int, label: String = "") {
        self.init(total: total, label: label,
                  writer: isatty(2) != 0 ? ProgressBar.writeToStandardError : nil)
    }

    /// A bar drawing through `writer` (nil draws nothing), timed by `clock`, redrawn at most
    /// once per `interval` seconds (and always when the count reaches the total).
    public init(total: Int, label: String = "", writer: Writer?,
                clock: @escaping Clock = ProgressBar.monotonicSeconds, interval: Double = 0.1) {
        self.total = max(total, 0)
        self.label = label
        self.writer = writer
        self.clock = clock
        self.interval = interval
        start = clock()
    }

    /// Whether anything is drawn at all.
    public var isEnabled: Bool { writer != nil }

    /// Counts `count` more finished items.
    public func advance(by count: Int = 1) {
        state.withLock { p in
            p.completed += count
            drawIfDue(&p)
        }
    }

    /// Sets the number of finished items.
    public func update(completed count: Int) {
        state.withLock { p in
            p.completed = count
            drawIfDue(&p)
        }
    }

    /// Erases the line, leaving the terminal as it was.
    public func finish() {
        state.withLock { p in
            if p.drawn, let writer { writer("\r\u{1B}[2K") }
            p.drawn = false
        }
    }

    /// The line for `completed` items after `elapsed` seconds (without the leading carriage return).
    public static func line(label: String, completed: Int, total: Int, elapsed: Double) -> String {
        let fraction = total > 0 ? min(max(Double(completed) / Double(total), 0), 1) : 0
        let cells = 20
        let filled = Int((fraction * Double(cells)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: cells - filled)
        let rate = elapsed > 0 ? Double(completed) / elapsed : 0
        let eta = rate > 0 ? duration(Double(max(total - completed, 0)) / rate) : "--:--"
        let prefix = label.isEmpty ? "" : label + " "
        return prefix + "\(completed)/\(total) " + String(format: "%5.1f%%", fraction * 100)
            + " [\(bar)] " + String(format: "%.0f img/s", rate) + " ETA \(eta)"
    }

    /// "m:ss", or "h:mm:ss" from an hour on.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--:--" }
        let s = Int(seconds.rounded(.up))
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }

    /// Seconds since an arbitrary point, never going backwards.
    public static let monotonicSeconds: Clock = {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    }

    private static let writeToStandardError: Writer = { text in
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Draws when the last drawing is older than the interval or the work is complete (inside the lock, so that
    /// lines from several threads never interleave).
    private func drawIfDue(_ p: inout Progress) {
        guard let writer else { return }
        let now = clock()
        guard now - p.lastDraw >= interval || p.completed >= total else { return }
        p.lastDraw = now
        p.drawn = true
        writer("\r\u{1B}[2K" + ProgressBar.line(label: label, completed: p.completed, total: total,
                                                 elapsed: now - start))
    }
}
