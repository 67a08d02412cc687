/// An 8-bit sRGB colour, for drawing.
public struct RGB: Sendable, Hashable, Codable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(r: UInt8, g: UInt8, b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// A grey with r = g = b = `gray`.
    public init(gray: UInt8) {
        self.init(r: gray, g: gray, b: gray)
    }

    /// BT.601 luma with OpenCV's integer weights: (R·4899 + G·9617 + B·1868 + 8192) >> 14.
    @inlinable
    public var luma: UInt8 {
        UInt8(truncatingIfNeeded: (Int32(r) &* 4899 &+ Int32(g) &* 9617 &+ Int32(b) &* 1868 &+ 8192) >> 14)
    }

    public var description: String { "RGB(\(r), \(g), \(b))" }

    public static let black = RGB(r: 0, g: 0, b: 0)
    public static let white = RGB(r: 255, g: 255, b: 255)
    public static let red = RGB(r: 255, g: 0, b: 0)
    public static let green = RGB(r: 0, g: 255, b: 0)
    public static let blue = RGB(r: 0, g: 0, b: 255)
    public static let yellow = RGB(r: 255, g: 255, b: 0)
}
