import Foundation
import Logging

/// The thread-safe counters and callbacks every file source keeps: skipped frames, the state handler,
/// the skip reporter, and whether the stream has ended.
final class SourceBookkeeping: @unchecked Sendable {
    private let lock = NSLock()
    private var skipped = 0
    private var state: (@Sendable (SourceState) -> Void)?
    private var skipReporter: (@Sendable (String) -> Void)?
    private var lastState: SourceState?
    private let logger = Logger(label: "fer-live.capture")

    var skippedFrames: Int {
        lock.lock(); defer { lock.unlock() }
        return skipped
    }

    var stateHandler: (@Sendable (SourceState) -> Void)? {
        get { lock.lock(); defer { lock.unlock() }; return state }
        set { lock.lock(); state = newValue; lock.unlock() }
    }

    var skipHandler: (@Sendable (String) -> Void)? {
        get { lock.lock(); defer { lock.unlock() }; return skipReporter }
        set { lock.lock(); skipReporter = newValue; lock.unlock() }
    }

    /// Counts one skipped frame and reports `reason` (one line) to the skip handler, or logs it.
    func skip(_ reason: String) {
        lock.lock()
        skipped += 1
        let reporter = skipReporter
        lock.unlock()
        if let reporter { reporter(reason) } else { logger.warning("\(reason)") }
    }

    /// Reports a state change once (repeated identical states are not reported again).
    func enter(_ newState: SourceState) {
        lock.lock()
        let changed = lastState != newState
        lastState = newState
        let handler = state
        lock.unlock()
        if changed { handler?(newState) }
    }
}
