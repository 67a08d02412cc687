/// A `HaarDetector` option out of range.
public enum HaarDetectorError: Error, CustomStringConvertible, Equatable {
    case invalidOption(String)

    public var description: String {
        switch self {
        case let .invalidOption(reason): return "haar detector: \(reason)"
        }
    }
}
