import Detection
import Imaging
import XCTest

final class LandmarkPriorTests: XCTestCase {
    private let lopsided = LandmarkPrior(points: [Point(x: 0.2, y: 0.4), Point(x: 0.7, y: 0.38), Point(x: 0.45, y: 0.6),
                                                  Point(x: 0.3, y: 0.8), Point(x: 0.66, y: 0.78)])

    func testPlacedInABoxAndMeasuredBack() throws {
        let box = Rect(x: 100, y: 50, width: 80, height: 100)
        let placed = lopsided.landmarks(in: box)
        XCTAssertEqual(placed.leftEye, Point(x: 116, y: 90))
        XCTAssertEqual(placed.mouthRight.x, 152.8, accuracy: 1e-4)
        // The median over faces: the odd one out does not move it.
        let other = LandmarkPrior(points: Array(repeating: Point(x: 0.9, y: 0.1), count: 5))
        let faces = [(box, placed), (box, placed), (box, other.landmarks(in: box))]
        let measured = try XCTUnwrap(LandmarkPrior.measured(from: faces.map { (box: $0.0, landmarks: $0.1) }))
        for (a, b) in zip(measured.points, lopsided.points) { XCTAssertEqual(a.distance(to: b), 0, accuracy: 1e-5) }
        XCTAssertNil(LandmarkPrior.measured(from: []))
    }

    func testSymmetrisedIsMirrorSymmetricAndStable() {
        let s = lopsided.symmetrised
        XCTAssertEqual(s.points[0].x + s.points[1].x, 1, accuracy: 1e-6)
        XCTAssertEqual(s.points[0].y, s.points[1].y, accuracy: 1e-6)
        XCTAssertEqual(s.points[2].x, 0.5, accuracy: 1e-6)
        XCTAssertEqual(s.points[3].x + s.points[4].x, 1, accuracy: 1e-6)
        XCTAssertEqual(s.symmetrised, s)
        XCTAssertNotEqual(s, lopsided)
    }

    func testShippedPriorsAreFaceShaped() {
        for (name, prior) in [("yunet", LandmarkPrior.yunet), ("mtcnn", .mtcnn), ("haar", .haar)] {
            let p = prior.points
            XCTAssertEqual(p[0].x + p[1].x, 1, accuracy: 1e-3, name)
            XCTAssertLessThan(p[0].y, p[2].y, "\(name): eyes above the nose")
            XCTAssertLessThan(p[2].y, p[3].y, "\(name): nose above the mouth")
            XCTAssertTrue(p.allSatisfy { (0...1).contains($0.x) && (0...1).contains($0.y) }, name)
        }
    }
}
