/// Why the overlay window could not open or draw; `description` is one line.
public enum DisplayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No display or video device: the caller should say so once and continue headless.
    case unavailable(String)
    /// No usable font for labels (names the paths tried and the package to install).
    case fontUnavailable(String)
    /// An SDL call failed while the window was running; names the call and SDL's message.
    case sdlFailed(operation: String, detail: String)

    public var description: String {
        switch self {
        case .unavailable(let reason): return "display unavailable: \(reason)"
        case .fontUnavailable(let reason): return "overlay font unavailable: \(reason)"
        case .sdlFailed(let operation, let detail): return "\(operation) failed: \(detail)"
        }
    }
}
