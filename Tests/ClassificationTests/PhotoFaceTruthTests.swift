import Evaluation
import Foundation
import Imaging
import TestSupport
import XCTest

/// The hand-checked photo faces and how a detector's boxes are scored against them.
final class PhotoFaceTruthTests: XCTestCase {
    private let photo = PhotoFaceTruth.Photo(
        width: 400, height: 300,
        faces: [Rect(x: 10, y: 10, width: 40, height: 50), Rect(x: 100, y: 10, width: 40, height: 50),
                Rect(x: 200, y: 200, width: 20, height: 24)],
        ignore: [Rect(x: 300, y: 0, width: 100, height: 100)])

    func testHitsMissesFalseAndIgnoredFaces() {
        let detections = [
            Rect(x: 12, y: 12, width: 40, height: 50),    // face 0
            Rect(x: 14, y: 8, width: 38, height: 52),     // a second box on face 0: false
            Rect(x: 320, y: 20, width: 30, height: 30),   // inside the ignore region
            Rect(x: 250, y: 150, width: 30, height: 30),  // nothing there: false
            Rect(x: 201, y: 201, width: 20, height: 24),  // face 2 (small)
        ]
        let score = PhotoDetectionScore(detections: detections, truth: photo)
        XCTAssertEqual(score.faces, 3)
        XCTAssertEqual(score.found, 2)
        XCTAssertEqual(score.largeFaces, 2)
        XCTAssertEqual(score.largeFound, 1)
        XCTAssertEqual(score.falseFaces, 2)
        XCTAssertEqual(score.ignored, 1)
    }

    func testOverlappingFacesAreEachFoundByTheirOwnBox() {
        // Two overlapping faces, each box overlapping both: each face goes to the box that fits it best.
        let faces = [Rect(x: 0, y: 0, width: 40, height: 40), Rect(x: 30, y: 0, width: 40, height: 40)]
        let truth = PhotoFaceTruth.Photo(width: 100, height: 100, faces: faces)
        let detections = [Rect(x: 25, y: 0, width: 45, height: 40), Rect(x: 0, y: 0, width: 38, height: 40)]
        let score = PhotoDetectionScore(detections: detections, truth: truth)
        XCTAssertEqual(score.found, 2)
        XCTAssertEqual(score.falseFaces, 0)
        // A box below the IoU bar finds nothing.
        let loose = PhotoDetectionScore(detections: [Rect(x: 0, y: 0, width: 100, height: 100)], truth: truth)
        XCTAssertEqual(loose.found, 0)
        XCTAssertEqual(loose.falseFaces, 1)
    }

    func testScoresAdd() {
        let a = PhotoDetectionScore(detections: [photo.faces[0]], truth: photo)
        let b = PhotoDetectionScore(detections: [Rect(x: 0, y: 250, width: 10, height: 10)], truth: photo)
        let sum = a + b
        XCTAssertEqual(sum.faces, 6)
        XCTAssertEqual(sum.found, 1)
        XCTAssertEqual(sum.falseFaces, 1)
    }

    func testTheFileIsReadAndBadBoxesAreNamed() throws {
        let dir = try TestPaths.temporaryDirectory()
        let good = dir.appendingPathComponent("good.json")
        try Data(#"{"source": "s", "rule": "r", "photos": {"a.jpg": {"width": 10, "height": 8, "faces": [[1, 2, 3, 4]]}}}"#.utf8)
            .write(to: good)
        let truth = try PhotoFaceTruth.load(good.path)
        XCTAssertEqual(truth.photos["a.jpg"], PhotoFaceTruth.Photo(width: 10, height: 8, faces: [Rect(x: 1, y: 2, width: 3, height: 4)]))
        let bad = dir.appendingPathComponent("bad.json")
        try Data(#"{"source": "s", "rule": "r", "photos": {"a.jpg": {"width": 10, "height": 8, "faces": [[1, 2, 0, 4]]}}}"#.utf8)
            .write(to: bad)
        XCTAssertThrowsError(try PhotoFaceTruth.load(bad.path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(bad.path + ": "), text)
            XCTAssertTrue(text.contains("photos.a.jpg.faces[0]"), text)
            XCTAssertFalse(text.contains("\n"))
        }
        XCTAssertThrowsError(try PhotoFaceTruth.load(dir.appendingPathComponent("none.json").path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot read face truth "), "\(error)")
        }
    }

    func testTheCommittedTruthCoversTheSharedPhotos() throws {
        let truth = try PhotoFaceTruth.load(TestPaths.repository.appendingPathComponent("Tests/Benchmarks/photo_faces.json").path)
        XCTAssertEqual(truth.photos.count, 29)
        for (name, photo) in truth.photos {
            for face in photo.faces + photo.ignore {
                XCTAssertTrue(Rect(x: 0, y: 0, width: Float(photo.width), height: Float(photo.height)).intersection(face).area > 0,
                              "\(name): \(face) lies outside the photo")
            }
        }
        // The committed fixtures are three of the photos, byte for byte: 2 + 3 + 2 faces.
        XCTAssertEqual(["kit_with_rose.jpg", "obama_and_biden.jpg", "two_people.jpg"].map { truth.photos[$0]?.faces.count },
                       [2, 3, 2])
    }
}
