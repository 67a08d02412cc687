#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A 2×3 affine map (named to avoid Foundation.AffineTransform): x' = a·x + b·y + tx, y' = c·x + d·y + ty (OpenCV's M = [[a, b, tx], [c, d, ty]]).
public struct AffineMap: Sendable, Hashable, Codable, CustomStringConvertible {
    public var a: Float
    public var b: Float
    public var tx: Float
    public var c: Float
    public var d: Float
    public var ty: Float

    /// Row-major like OpenCV: [[a, b, tx], [c, d, ty]].
    public init(a: Float, b: Float, tx: Float, c: Float, d: Float, ty: Float) {
        self.a = a; self.b = b; self.tx = tx
        self.c = c; self.d = d; self.ty = ty
    }

    public static let identity = AffineMap(a: 1, b: 0, tx: 0, c: 0, d: 1, ty: 0)

    /// A shift by (dx, dy).
    public static func translation(dx: Float, dy: Float) -> AffineMap {
        AffineMap(a: 1, b: 0, tx: dx, c: 0, d: 1, ty: dy)
    }

    /// A scale about the origin.
    public static func scale(x sx: Float, y sy: Float) -> AffineMap {
        AffineMap(a: sx, b: 0, tx: 0, c: 0, d: sy, ty: 0)
    }

    /// A rotation by `radians` about `center`. With y pointing down, a positive angle turns
    /// +x towards +y (clockwise on screen).
    public static func rotation(radians: Float, about center: Point = .zero) -> AffineMap {
        let cs = Float(cos(Double(radians))), sn = Float(sin(Double(radians)))
        // p' = R (p - c) + c
        return AffineMap(
            a: cs, b: -sn, tx: center.x - cs * center.x + sn * center.y,
            c: sn, d: cs, ty: center.y - sn * center.x - cs * center.y)
    }

    /// The map applying `self` first, then `next`.
    public func then(_ next: AffineMap) -> AffineMap {
        AffineMap(
            a: next.a * a + next.b * c, b: next.a * b + next.b * d, tx: next.a * tx + next.b * ty + next.tx,
            c: next.c * a + next.d * c, d: next.c * b + next.d * d, ty: next.c * tx + next.d * ty + next.ty)
    }

    /// The inverse map, or nil when the linear part is singular (or not finite).
    public func inverted() -> AffineMap? {
        let det = a * d - b * c
        guard det != 0, det.isFinite, isFinite else { return nil }
        let ia = d / det, ib = -b / det, ic = -c / det, id = a / det
        return AffineMap(a: ia, b: ib, tx: -(ia * tx + ib * ty),
                               c: ic, d: id, ty: -(ic * tx + id * ty))
    }

    /// The image of a point.
    public func apply(to p: Point) -> Point {
        Point(x: a * p.x + b * p.y + tx, y: c * p.x + d * p.y + ty)
    }

    /// True when all six coefficients are finite.
    public var isFinite: Bool {
        a.isFinite && b.isFinite && tx.isFinite && c.isFinite && d.isFinite && ty.isFinite
    }

    public var description: String { "[[\(a), \(b), \(tx)], [\(c), \(d), \(ty)]]" }
}
