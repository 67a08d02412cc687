/// Why a face-truth file cannot be used; each description is one line naming the file.
public enum PhotoFaceTruthError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file cannot be read.
    case unreadable(file: String, reason: String)
    /// The file is not valid JSON in the expected shape.
    case invalid(file: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "cannot read face truth \(file): \(reason)"
        case .invalid(let file, let reason): "\(file): not a face truth file: \(reason)"
        }
    }
}
