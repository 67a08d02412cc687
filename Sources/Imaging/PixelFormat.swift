/// The layout of one pixel: one grey byte, or three bytes in R, G, B order.
public enum PixelFormat: Sendable, Hashable, CustomStringConvertible {
    case gray8
    case rgb8

    /// Bytes per pixel.
    @inlinable
    public var channels: Int {
        switch self {
        case .gray8: return 1
        case .rgb8: return 3
        }
    }

    public var description: String {
        switch self {
        case .gray8: return "gray8"
        case .rgb8: return "rgb8"
        }
    }
}
