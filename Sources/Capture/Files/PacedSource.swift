import Foundation

/// Plays another source in real time (`--realtime`): each frame is held back until its presentation
/// time, measured from when the first frame came out; `cancel()` interrupts the wait.
///
/// The wrapped frames get a fresh `captureTime` when released, so latency is measured from the moment
/// a camera would have delivered them. A paced source reports `isLive == true`: like a camera it keeps
/// its own pace, and a pipeline that falls behind must drop frames rather than slow it down. When the
/// reader falls behind, frames are released at once (no catching up by skipping; the schedule stays
/// anchored to the first frame).
public final class PacedSource: FrameSource, @unchecked Sendable {
    // @unchecked Sendable: its schedule and cancellation are guarded by `condition` (an NSCondition: cancel()
    // must wake a sleeping next()); the wrapped source is Sendable.
    /// The source being paced.
    public let source: any FrameSource

    private let condition = NSCondition()
    private var cancelled = false
    /// Capture-thread state: monotonic time and presentation time of the first frame.
    private var origin: (clock: Double, presentation: Double)?

    /// Wraps `source`.
    public init(_ source: any FrameSource) {
        self.source = source
    }

    public var name: String { source.name }
    public var frameRate: Double? { source.frameRate }
    public var isLive: Bool { true }
    public var skippedFrames: Int { source.skippedFrames }

    public var stateHandler: (@Sendable (SourceState) -> Void)? {
        get { source.stateHandler }
        set { source.stateHandler = newValue }
    }

    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
        source.cancel()
    }

    public func next() throws -> CapturedFrame? {
        guard var frame = try source.next() else { return nil }
        let now = MonotonicClock.now
        guard let origin else {
            self.origin = (now, frame.presentationTime)
            frame.captureTime = now
            return isCancelled ? nil : frame
        }
        let due = origin.clock + (frame.presentationTime - origin.presentation)
        condition.lock()
        while !cancelled {
            let remaining = due - MonotonicClock.now
            if remaining <= 0 { break }
            _ = condition.wait(until: Date(timeIntervalSinceNow: remaining))
        }
        let stop = cancelled
        condition.unlock()
        if stop { return nil }
        frame.captureTime = MonotonicClock.now
        return frame
    }

    private var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }
}
