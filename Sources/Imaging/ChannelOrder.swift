/// The plane order of a network input tensor: three planes R,G,B or B,G,R, or one grey plane.
public enum ChannelOrder: Sendable, Hashable {
    case rgb
    case bgr
    case gray

    /// Number of planes written.
    public var channels: Int { self == .gray ? 1 : 3 }
}
