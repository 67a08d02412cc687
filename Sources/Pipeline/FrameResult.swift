import Imaging

/// One frame after analysis, as frame sinks (the overlay window, the per-frame file) receive it.
public struct FrameResult: Sendable {
    /// The decoded frame.
    public var frame: YUVImage
    /// Faces, emotions and what changed.
    public var analysis: FrameAnalysis
    /// Seconds from capture to the end of analysis.
    public var latency: Double
    /// The live figures at this frame (for a HUD).
    public var fps: Double
    /// Frames dropped so far.
    public var dropped: Int

    public init(frame: YUVImage, analysis: FrameAnalysis, latency: Double, fps: Double, dropped: Int) {
        self.frame = frame
        self.analysis = analysis
        self.latency = latency
        self.fps = fps
        self.dropped = dropped
    }
}

/// Receives every analysed frame, on the analysis queue: must return quickly (hand heavy work elsewhere).
public protocol FrameSink: AnyObject, Sendable {
    func handle(_ result: FrameResult)
}
