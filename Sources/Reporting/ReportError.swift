/// Why a report could not be made from the logs given.
public enum ReportError: Error, Equatable, CustomStringConvertible {
    /// A log file could not be opened.
    case cannotOpen(path: String, reason: String)
    /// A compressed log ends early or is damaged; the lines before `line` were read.
    case corrupt(path: String, line: Int, reason: String)
    /// An option's value is not usable.
    case invalidOption(name: String, value: String, reason: String)
    /// Nothing in the logs falls in the period (or for the camera) asked for.
    case emptyPeriod(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "cannot open event log \(path): \(reason)"
        case .corrupt(let path, let line, let reason): return "\(path):\(line): compressed log is damaged (\(reason)); the lines before it were read"
        case .invalidOption(let name, let value, let reason): return "--\(name) \(value): \(reason)"
        case .emptyPeriod(let what): return what
        }
    }
}
