/// Anything that produces frames: a V4L2 camera, a Y4M or MJPEG file or pipe, a directory of images.
///
/// A source is driven by one capture thread that calls `next()` in a loop; `cancel()` may be
/// called from any other thread and makes a blocked `next()` return nil promptly.
public protocol FrameSource: AnyObject, Sendable {
    /// A short name for logs and events: the device path, the file name, or "stdin".
    var name: String { get }
    /// The nominal frame rate, if the source declares one (camera mode, Y4M header).
    var frameRate: Double? { get }
    /// True for live sources (cameras): frames arrive at their own pace and late work must be dropped.
    /// False for files and pipes: the reader can wait for the pipeline (unless paced in real time).
    var isLive: Bool { get }
    /// Blocks until the next frame. Returns nil at the end of the stream or after `cancel()`.
    /// Throws only for errors that end the stream (a corrupt frame inside a stream is skipped and counted).
    func next() throws -> CapturedFrame?
    /// Makes `next()` return nil as soon as possible; safe from any thread.
    func cancel()
    /// Frames the source read but could not deliver (corrupt, truncated), counted since the start.
    var skippedFrames: Int { get }
    /// Called (on the capture thread) when the source's state changes, e.g. a camera unplugged.
    var stateHandler: (@Sendable (SourceState) -> Void)? { get set }
}

/// What a source is doing, for logs, STATUS lines and health checks.
public enum SourceState: Sendable, Equatable, CustomStringConvertible {
    /// Opening the device or file.
    case starting
    /// Frames are flowing; `mode` describes them ("640x480 mjpeg 30 fps").
    case streaming(mode: String)
    /// The device is gone or failing; retrying. `reason` is one line ("waiting for /dev/video0: no such device").
    case waiting(reason: String)
    /// The stream is over (end of file, cancelled).
    case ended

    /// The state's one-word name, as events and `/healthz` give it: starting, streaming, waiting or ended.
    public var name: String {
        switch self {
        case .starting: return "starting"
        case .streaming: return "streaming"
        case .waiting: return "waiting"
        case .ended: return "ended"
        }
    }

    public var description: String {
        switch self {
        case .starting: return "starting"
        case .streaming(let mode): return "streaming \(mode)"
        case .waiting(let reason): return reason
        case .ended: return "ended"
        }
    }
}
