import Detection
import Foundation
import Imaging
import TestSupport
import XCTest

/// YuNet through fer-live's engine on real photos, blank and noise images.
final class YuNetDetectorTests: XCTestCase {
    private let model = TestPaths.models.appendingPathComponent("detection/yunet_s.onnx")

    private func photo(_ name: String) throws -> Image {
        try ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent(name).path, as: .rgb8)
    }

    func testFindsBothFacesOfTwoPeopleWhereTheyAre() throws {
        let detector = try YuNetDetector(modelURL: model)
        let faces = try detector.detect(in: try photo("two_people.jpg")).sorted { $0.box.x < $1.box.x }
        XCTAssertEqual(faces.count, 2)
        // Face centres checked by eye on the annotated photo (1126x661).
        let expected = [Point(x: 311, y: 125), Point(x: 865, y: 150)]
        for (face, centre) in zip(faces, expected) {
            XCTAssertLessThan(face.box.center.distance(to: centre), 20, "\(face.box)")
            XCTAssertGreaterThan(face.box.width, 120)
            XCTAssertGreaterThan(face.score, 0.85)
            let eyes = try XCTUnwrap(face.landmarks)
            XCTAssertLessThan(eyes.leftEye.x, eyes.rightEye.x, "left eye is on the image's left")
            XCTAssertLessThan(eyes.leftEye.y, eyes.nose.y)
            XCTAssertLessThan(eyes.nose.y, eyes.mouthLeft.y)
            for p in eyes.points { XCTAssertTrue(face.box.expanded(by: 0.1).contains(p), "\(p) inside \(face.box)") }
        }
    }

    func testFindsFacesInTheOtherFixturePhotos() throws {
        let detector = try YuNetDetector(modelURL: model)
        XCTAssertGreaterThanOrEqual(try detector.detect(in: try photo("obama_and_biden.jpg")).count, 2)
        XCTAssertEqual(try detector.detect(in: try photo("kit_with_rose.jpg")).count, 2)
        XCTAssertEqual(try detector.detect(in: try ImageCodec.decode(
            fileAt: TestPaths.fixtures.appendingPathComponent("kit_with_rose_small.png").path, as: .rgb8)).count, 2)
    }

    func testJohnSnowFromShared() throws {
        guard let url = TestPaths.shared("media/photos/johnsnow_test1.jpg") else {
            throw XCTSkip(TestPaths.skipMessage("media/photos/johnsnow_test1.jpg"))
        }
        let faces = try YuNetDetector(modelURL: model).detect(in: try ImageCodec.decode(fileAt: url.path, as: .rgb8))
        XCTAssertEqual(faces.count, 1)
    }

    func testNothingInBlankOrNoiseImages() throws {
        let detector = try YuNetDetector(modelURL: model)
        XCTAssertEqual(try detector.detect(in: try Image(width: 640, height: 480, format: .rgb8, fill: 128)).count, 0)
        XCTAssertEqual(try detector.detect(in: try Image(width: 640, height: 480, format: .rgb8, fill: 0)).count, 0)
        XCTAssertEqual(try detector.detect(in: try FacelessImages.noise()).count, 0)
        // A 1-pixel image is valid input and has no face.
        XCTAssertEqual(try detector.detect(in: try Image(width: 1, height: 1, format: .rgb8, fill: 200)).count, 0)
    }

    func testSmallerDetectorInputStillFindsLargeFaces() throws {
        var options = YuNetDetector.Options()
        options.inputWidth = 160
        let faces = try YuNetDetector(modelURL: model, options: options).detect(in: try photo("two_people.jpg"))
        XCTAssertEqual(faces.count, 2)
    }

    func testRejectsAModelThatIsNotYuNet() {
        let classifier = TestPaths.models.appendingPathComponent("emotion/mini_xception.onnx")
        XCTAssertThrowsError(try YuNetDetector(modelURL: classifier)) { error in
            XCTAssertEqual("\(error)", "mini_xception.onnx: invalid model: not a YuNet model: no output 'cls_8'")
        }
    }

    func testNonMaximumSuppressionKeepsTheBestOfOverlappingBoxes() {
        let a = DetectedFace(box: Rect(x: 0, y: 0, width: 10, height: 10), score: 0.9)
        let b = DetectedFace(box: Rect(x: 1, y: 1, width: 10, height: 10), score: 0.95)
        let c = DetectedFace(box: Rect(x: 20, y: 20, width: 10, height: 10), score: 0.5)
        let kept = NonMaximumSuppression.apply([a, b, c], iouThreshold: 0.3)
        XCTAssertEqual(kept, [b, c])
        XCTAssertEqual(NonMaximumSuppression.apply([a, b, c], iouThreshold: 0.9).count, 3)
        XCTAssertEqual(NonMaximumSuppression.apply([a, b, c], iouThreshold: 0.3, limit: 1), [b])
    }
}

extension Rect {
    func contains(_ p: Point) -> Bool { p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY }
}
