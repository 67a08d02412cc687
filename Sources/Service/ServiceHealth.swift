import Capture
import Foundation

/// How the service is doing, as STATUS lines and health checks report it.
public struct ServiceHealth: Sendable, Equatable {
    /// READY=1 was sent: the first frame went through the pipeline (or the camera is being waited for).
    public var ready: Bool
    /// The last state the source reported; nil for sources that report none (most files).
    public var source: SourceState?
    /// Frames per second through the pipeline at the last frame.
    public var fps: Double
    /// Faces in the last frame.
    public var faces: Int
    /// Seconds since the last analysed frame; nil before the first.
    public var lastFrameAge: Double?
    /// Frames stopped coming although the source is not waiting for a camera: the watchdog is let to fire.
    public var stalled: Bool
    /// Shutting down (STOPPING=1 sent).
    public var stopping: Bool

    /// True when a watchdog ping is deserved: ready, not stopping, and frames flow or the camera is being waited for.
    public var healthy: Bool { ready && !stopping && !stalled }

    /// The one-line STATUS text: "30.0 fps, 4 faces, streaming 640x480 mjpeg 30 fps",
    /// "waiting for /dev/video0: no such device", "stalled: no frame for 3.0 s".
    public var status: String {
        if stopping { return "stopping" }
        if case .waiting(let reason)? = source { return reason }
        if stalled {
            let age = lastFrameAge.map { String(format: "%.1f", $0) } ?? "?"
            return "stalled: no frame for \(age) s" + (source.map { " (\($0))" } ?? "")
        }
        guard lastFrameAge != nil else { return source?.description ?? "starting" }
        var parts = [String(format: "%.1f fps", fps), faces == 1 ? "1 face" : "\(faces) faces"]
        if let source { parts.append(source.description) }
        return parts.joined(separator: ", ")
    }
}
