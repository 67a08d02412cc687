/// Why a classifier's JSON manifest cannot be used; each description is one line naming the file.
public enum ClassifierManifestError: Error, CustomStringConvertible, Equatable, Sendable {
    /// There is no JSON file beside the model.
    case missing(model: String, expected: String)
    /// The file exists but cannot be read.
    case unreadable(file: String, reason: String)
    /// The file is not valid JSON (or not a JSON object).
    case malformed(file: String, reason: String)
    /// A field is missing, has the wrong type or an unacceptable value.
    case invalid(file: String, field: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let model, let expected):
            "no manifest beside \(model): expected \(expected)"
        case .unreadable(let file, let reason):
            "cannot read manifest \(file): \(reason)"
        case .malformed(let file, let reason):
            "\(file): not a valid JSON manifest: \(reason)"
        case .invalid(let file, let field, let reason):
            "\(file): \(field): \(reason)"
        }
    }
}
