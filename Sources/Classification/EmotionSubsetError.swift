/// Why an `--emotions` list cannot restrict a classifier's labels.
public enum EmotionSubsetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The list names nothing.
    case empty
    /// An entry between commas is blank (e.g. "happy,,sad").
    case blankEntry(position: Int)
    /// An entry matches none of the model's labels.
    case unknown(name: String, valid: [String])
    /// Two entries name the same model label.
    case duplicate(name: String, label: String)

    public var description: String {
        switch self {
        case .empty:
            "--emotions: the list is empty; name at least one emotion"
        case .blankEntry(let position):
            "--emotions: entry \(position) is blank"
        case .unknown(let name, let valid):
            "--emotions: unknown emotion \"\(name)\"; the model knows \(valid.joined(separator: ", "))"
        case .duplicate(let name, let label):
            name.lowercased() == label.lowercased()
                ? "--emotions: \"\(label)\" is listed twice"
                : "--emotions: \"\(name)\" repeats \"\(label)\", which is already listed"
        }
    }
}
