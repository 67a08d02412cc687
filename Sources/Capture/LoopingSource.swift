import Foundation

/// Plays a file source again and again (`--loop`): frame numbers and stream times keep increasing.
public final class LoopingSource: FrameSource, @unchecked Sendable {
    private let open: () throws -> FrameSource
    private let lock = NSLock()
    private var current: FrameSource
    private var cancelled = false
    private var sequenceOffset = 0
    private var timeOffset = 0.0
    private var lastSequence = -1
    private var lastTime = 0.0
    private var skippedBefore = 0

    /// `open` makes a fresh source at the start of the file; it is called once now and at each end.
    public init(open: @escaping () throws -> FrameSource) throws {
        self.open = open
        current = try open()
    }

    public var name: String { current.name }
    public var frameRate: Double? { current.frameRate }
    public var isLive: Bool { current.isLive }
    public var skippedFrames: Int { lock.withLock { skippedBefore + current.skippedFrames } }
    public var stateHandler: (@Sendable (SourceState) -> Void)? {
        get { current.stateHandler }
        set { current.stateHandler = newValue }
    }

    public func next() throws -> CapturedFrame? {
        var emptyPasses = 0
        while true {
            let source = lock.withLock { current }
            if var frame = try source.next() {
                frame.sequence += sequenceOffset
                frame.presentationTime += timeOffset
                lastSequence = frame.sequence
                lastTime = frame.presentationTime
                return frame
            }
            // End of this pass: start again unless cancelled or the file gave nothing at all.
            let done = lock.withLock { cancelled }
            if done || lastSequence < sequenceOffset { emptyPasses += 1 }
            if done || emptyPasses > 1 { return nil }
            let handler = source.stateHandler
            let fresh = try open()
            fresh.stateHandler = handler
            lock.withLock {
                skippedBefore += source.skippedFrames
                sequenceOffset = lastSequence + 1
                timeOffset = lastTime + 1 / (source.frameRate ?? 30)
                current = fresh
            }
            if lock.withLock({ cancelled }) { fresh.cancel() }
        }
    }

    public func cancel() {
        let source = lock.withLock { cancelled = true; return current }
        source.cancel()
    }
}
