import Foundation
import Logging
import Synchronization

/// The thread-safe counters and callbacks every file source keeps: skipped frames, the state handler,
/// the skip reporter, and whether the stream has ended.
final class SourceBookkeeping: Sendable {
    private struct Books {
        var skipped = 0
        var stateHandler: (@Sendable (SourceState) -> Void)?
        var skipHandler: (@Sendable (String) -> Void)?
        var lastState: SourceState?
    }

    private let books = Mutex(Books())
    private let logger = Logger(label: "fer-live.capture")

    var skippedFrames: Int { books.withLock { $0.skipped } }

    var stateHandler: (@Sendable (SourceState) -> Void)? {
        get { books.withLock { $0.stateHandler } }
        set { books.withLock { $0.stateHandler = newValue } }
    }

    var skipHandler: (@Sendable (String) -> Void)? {
        get { books.withLock { $0.skipHandler } }
        set { books.withLock { $0.skipHandler = newValue } }
    }

    /// Counts one skipped frame and reports `reason` (one line) to the skip handler, or logs it.
    func skip(_ reason: String) {
        let reporter = books.withLock { b in
            b.skipped += 1
            return b.skipHandler
        }
        if let reporter { reporter(reason) } else { logger.warning("\(reason)") }
    }

    /// Reports a state change once (repeated identical states are not reported again).
    func enter(_ newState: SourceState) {
        let handler = books.withLock { b -> (@Sendable (SourceState) -> Void)? in
            defer { b.lastState = newState }
            return b.lastState != newState ? b.stateHandler : nil
        }
        handler?(newState)
    }
}
