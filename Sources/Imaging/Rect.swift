/// An axis-aligned rectangle in image coordinates (origin top-left, y down, pixel units).
public struct Rect: Sendable, Hashable, Codable, CustomStringConvertible {
    public var x: Float
    public var y: Float
    public var width: Float
    public var height: Float

    public init(x: Float, y: Float, width: Float, height: Float) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The rectangle spanning two corners (in any order).
    public init(corner a: Point, corner b: Point) {
        self.init(x: min(a.x, b.x), y: min(a.y, b.y), width: abs(b.x - a.x), height: abs(b.y - a.y))
    }

    public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

    public var minX: Float { x }
    public var minY: Float { y }
    public var maxX: Float { x + width }
    public var maxY: Float { y + height }
    public var center: Point { Point(x: x + width * 0.5, y: y + height * 0.5) }

    /// Width × height, or 0 when either is negative or the rectangle is not finite.
    public var area: Float {
        guard width > 0, height > 0, isFinite else { return 0 }
        return width * height
    }

    /// True when the rectangle has no area.
    public var isEmpty: Bool { !(width > 0 && height > 0) }

    /// True when all four fields are finite.
    public var isFinite: Bool { x.isFinite && y.isFinite && width.isFinite && height.isFinite }

    /// The overlap of two rectangles; `.zero`-sized (at the clamped corner) when they do not overlap.
    public func intersection(_ other: Rect) -> Rect {
        let x0 = max(minX, other.minX), y0 = max(minY, other.minY)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        guard x1 > x0, y1 > y0 else { return Rect(x: x0, y: y0, width: 0, height: 0) }
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// Intersection over union, in [0, 1]; 0 when both are empty.
    public func iou(_ other: Rect) -> Float {
        let inter = intersection(other).area
        let union = area + other.area - inter
        return union > 0 ? inter / union : 0
    }

    /// This rectangle cut to `bounds` (possibly empty).
    public func clamped(to bounds: Rect) -> Rect {
        intersection(bounds)
    }

    /// The same centre, with each side pushed out by `fraction` of the width (left, right) or
    /// height (top, bottom): `expanded(by: 0.1)` is 1.2× as wide and tall.
    public func expanded(by fraction: Float) -> Rect {
        Rect(x: x - width * fraction, y: y - height * fraction,
             width: width * (1 + 2 * fraction), height: height * (1 + 2 * fraction))
    }

    /// Every coordinate multiplied by `sx` (x, width) and `sy` (y, height): maps a box between
    /// two image resolutions.
    public func scaled(x sx: Float, y sy: Float) -> Rect {
        Rect(x: x * sx, y: y * sy, width: width * sx, height: height * sy)
    }

    /// Moved by (dx, dy).
    public func offsetBy(dx: Float, dy: Float) -> Rect {
        Rect(x: x + dx, y: y + dy, width: width, height: height)
    }

    public var description: String { "Rect(x: \(x), y: \(y), w: \(width), h: \(height))" }
}
