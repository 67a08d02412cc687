import Foundation

/// What every file source shares: the skipped-frame count, the state handler and the skip reporter,
/// kept in one thread-safe `SourceBookkeeping`. Subclasses add the reading.
public class FileSourceBase: @unchecked Sendable {
    // @unchecked Sendable: the shared counters live in `bookkeeping` (a Mutex); a subclass's reading state is
    // touched only by `next()`, which one capture thread calls (the FrameSource contract); `cancel()` is atomic.
    let bookkeeping = SourceBookkeeping()

    init() {}

    /// Frames read but not delivered (corrupt, truncated, unreadable), counted since the start.
    public var skippedFrames: Int { bookkeeping.skippedFrames }

    public var stateHandler: (@Sendable (SourceState) -> Void)? {
        get { bookkeeping.stateHandler }
        set { bookkeeping.stateHandler = newValue }
    }

    /// Called with a one-line reason naming the file and frame for each skip (default: a log warning).
    public var skipHandler: (@Sendable (String) -> Void)? {
        get { bookkeeping.skipHandler }
        set { bookkeeping.skipHandler = newValue }
    }
}
