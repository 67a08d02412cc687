/// Why a tracker could not be set up.
public enum TrackingError: Error, Equatable, CustomStringConvertible {
    /// A `FaceTracker.Options` field is out of range: the field's name and what it must be.
    case invalidOption(field: String, reason: String)

    public var description: String {
        switch self {
        case .invalidOption(let field, let reason): "tracker option \(field): \(reason)"
        }
    }
}
