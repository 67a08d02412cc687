/// Errors that stop a pipeline before or while it runs; `description` is one line.
public enum PipelineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A setting is out of range; the message names it.
    case invalidConfiguration(String)
    /// An output file could not be opened or written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let message): return message
        case .cannotWrite(let path, let reason): return "\(path): cannot write: \(reason)"
        }
    }
}
