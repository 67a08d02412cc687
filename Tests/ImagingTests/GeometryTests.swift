import Imaging
import XCTest

final class GeometryTests: XCTestCase {
    func testRectHelpers() {
        let a = Rect(x: 0, y: 0, width: 10, height: 10)
        let b = Rect(x: 5, y: 5, width: 10, height: 10)
        XCTAssertEqual(a.area, 100)
        XCTAssertEqual(a.intersection(b), Rect(x: 5, y: 5, width: 5, height: 5))
        XCTAssertEqual(a.iou(b), 25.0 / 175.0, accuracy: 1e-6)
        XCTAssertEqual(a.iou(a), 1)
        XCTAssertEqual(a.iou(Rect(x: 20, y: 20, width: 5, height: 5)), 0)
        XCTAssertEqual(Rect.zero.iou(.zero), 0)
        XCTAssertEqual(Rect(x: -5, y: 2, width: 20, height: 3).clamped(to: a), Rect(x: 0, y: 2, width: 10, height: 3))
        XCTAssertTrue(Rect(x: 30, y: 0, width: 5, height: 5).clamped(to: a).isEmpty)
        XCTAssertEqual(a.expanded(by: 0.1), Rect(x: -1, y: -1, width: 12, height: 12))
        XCTAssertEqual(a.center, Point(x: 5, y: 5))
        XCTAssertEqual(Rect(x: 0, y: 0, width: -3, height: 4).area, 0)
    }

    func testAffineComposeAndInvert() throws {
        let t = AffineMap.rotation(radians: 0.3, about: Point(x: 4, y: -2))
            .then(.scale(x: 2, y: 0.5)).then(.translation(dx: 3, dy: 7))
        let p = Point(x: 1.5, y: -8)
        let back = try XCTUnwrap(t.inverted()).apply(to: t.apply(to: p))
        XCTAssertEqual(back.x, p.x, accuracy: 1e-4)
        XCTAssertEqual(back.y, p.y, accuracy: 1e-4)
        let r = AffineMap.rotation(radians: .pi / 2)
        let q = r.apply(to: Point(x: 1, y: 0))
        XCTAssertEqual(q.x, 0, accuracy: 1e-6)
        XCTAssertEqual(q.y, 1, accuracy: 1e-6) // +x turns towards +y (down)
        XCTAssertNil(AffineMap.scale(x: 0, y: 1).inverted())
    }
}
