/// A point in image coordinates: x to the right, y down, in pixels (pixel (i, j) covers
/// [i, i+1) × [j, j+1), so its centre is at (i + 0.5, j + 0.5)).
public struct Point: Sendable, Hashable, Codable, CustomStringConvertible {
    public var x: Float
    public var y: Float

    public init(x: Float, y: Float) {
        self.x = x
        self.y = y
    }

    public static let zero = Point(x: 0, y: 0)

    /// Euclidean distance to another point.
    public func distance(to other: Point) -> Float {
        let dx = other.x - x, dy = other.y - y
        return (dx * dx + dy * dy).squareRoot()
    }

    /// True when both coordinates are finite (not NaN or infinite).
    public var isFinite: Bool { x.isFinite && y.isFinite }

    public var description: String { "(\(x), \(y))" }
}
