import Foundation
import Synchronization

/// Plays a file source again and again (`--loop`): frame numbers and stream times keep increasing.
public final class LoopingSource: FrameSource, Sendable {
    private let open: @Sendable () throws -> FrameSource
    private let state: Mutex<Pass>

    /// The current pass and what the passes before it used up.
    private struct Pass {
        var current: FrameSource
        var cancelled = false
        var sequenceOffset = 0
        var timeOffset = 0.0
        var lastSequence = -1
        var lastTime = 0.0
        var skippedBefore = 0
    }

    /// `open` makes a fresh source at the start of the file; it is called once now and at each end.
    public init(open: @escaping @Sendable () throws -> FrameSource) throws {
        self.open = open
        state = Mutex(Pass(current: try open()))
    }

    private var current: FrameSource { state.withLock { $0.current } }

    public var name: String { current.name }
    public var frameRate: Double? { current.frameRate }
    public var isLive: Bool { current.isLive }
    public var skippedFrames: Int { state.withLock { $0.skippedBefore + $0.current.skippedFrames } }
    public var stateHandler: (@Sendable (SourceState) -> Void)? {
        get { current.stateHandler }
        set { current.stateHandler = newValue }
    }

    public func next() throws -> CapturedFrame? {
        var emptyPasses = 0
        while true {
            let source = current
            if var frame = try source.next() {
                state.withLock { p in
                    frame.sequence += p.sequenceOffset
                    frame.presentationTime += p.timeOffset
                    p.lastSequence = frame.sequence
                    p.lastTime = frame.presentationTime
                }
                return frame
            }
            // End of this pass: start again unless cancelled or the file gave nothing at all.
            let (done, empty) = state.withLock { ($0.cancelled, $0.lastSequence < $0.sequenceOffset) }
            if done || empty { emptyPasses += 1 }
            if done || emptyPasses > 1 { return nil }
            let handler = source.stateHandler
            let fresh = try open()
            fresh.stateHandler = handler
            let cancelled = state.withLock { p in
                p.skippedBefore += source.skippedFrames
                p.sequenceOffset = p.lastSequence + 1
                p.timeOffset = p.lastTime + 1 / (source.frameRate ?? 30)
                p.current = fresh
                return p.cancelled
            }
            if cancelled { fresh.cancel() }
        }
    }

    public func cancel() {
        let source = state.withLock { p in
            p.cancelled = true
            return p.current
        }
        source.cancel()
    }
}
