import Detection
import Foundation
import Imaging
import TestSupport
import XCTest

/// The Haar detector on real photos (the real faces are found), and on blank and noise images (nothing is).
final class HaarDetectorTests: XCTestCase {
    static let cascadeURL = TestPaths.models.appendingPathComponent("detection/haarcascade_frontalface_default.xml")

    private func detector(_ configure: (inout HaarDetector.Options) -> Void = { _ in }) throws -> HaarDetector {
        var options = HaarDetector.Options()
        configure(&options)
        return try HaarDetector(cascadeURL: Self.cascadeURL, options: options)
    }

    private func fixture(_ name: String) throws -> Image {
        try ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent(name).path, as: .rgb8)
    }

    /// Every expected face centre has a detection whose box contains it and is about the expected size.
    private func assertFinds(_ faces: [DetectedFace], _ expected: [(centre: Point, size: Float)], in name: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        for (centre, size) in expected {
            let hit = faces.contains { face in
                face.box.center.distance(to: centre) < 0.25 * size && face.box.width > 0.6 * size && face.box.width < 1.6 * size
            }
            XCTAssertTrue(hit, "\(name): no face at \(centre) (size \(size)); found \(faces.map(\.box))", file: file, line: line)
        }
    }

    // Face centres and sizes checked by eye on each photo (and where YuNet puts them).
    func testFindsTheFacesOfTwoPeople() throws {
        let faces = try detector().detect(in: try fixture("two_people.jpg"))
        assertFinds(faces, [(Point(x: 322, y: 118), 175), (Point(x: 870, y: 150), 170)], in: "two_people.jpg")
        for face in faces {
            XCTAssertNil(face.landmarks)
            XCTAssertEqual(face.box.width, face.box.height)
            XCTAssertTrue((0...1).contains(face.score))
        }
        // Best supported first.
        XCTAssertEqual(faces.map(\.score), faces.map(\.score).sorted(by: >))
    }

    func testFindsObamaAndBiden() throws {
        let faces = try detector().detect(in: try fixture("obama_and_biden.jpg"))
        assertFinds(faces, [(Point(x: 835, y: 514), 204), (Point(x: 1235, y: 476), 225)], in: "obama_and_biden.jpg")
    }

    func testFindsKitAndTheRoseFace() throws {
        let faces = try detector().detect(in: try fixture("kit_with_rose.jpg"))
        assertFinds(faces, [(Point(x: 118, y: 162), 86), (Point(x: 300, y: 141), 107)], in: "kit_with_rose.jpg")
    }

    func testFindsJohnSnowFromShared() throws {
        guard let url = TestPaths.shared("media/photos/johnsnow_test1.jpg") else {
            throw XCTSkip(TestPaths.skipMessage("media/photos/johnsnow_test1.jpg"))
        }
        let faces = try detector().detect(in: try ImageCodec.decode(fileAt: url.path, as: .rgb8))
        assertFinds(faces, [(Point(x: 368, y: 246), 204)], in: "johnsnow_test1.jpg")
    }

    func testNothingInBlankOrNoiseImages() throws {
        let detector = try detector()
        XCTAssertEqual(try detector.detect(in: try Image(width: 640, height: 480, format: .rgb8, fill: 128)).count, 0)
        XCTAssertEqual(try detector.detect(in: try Image(width: 640, height: 480, format: .rgb8, fill: 0)).count, 0)
        XCTAssertEqual(try detector.detect(in: try FacelessImages.noise()).count, 0)
        // Smaller than the 24x24 window: nothing to scan, no crash.
        XCTAssertEqual(try detector.detect(in: try Image(width: 1, height: 1, format: .rgb8, fill: 200)).count, 0)
        XCTAssertEqual(try detector.detect(in: try Image(width: 24, height: 24, format: .rgb8, fill: 200)).count, 0)
    }

    func testGreyAndColourInputsAgree() throws {
        let image = try fixture("kit_with_rose.jpg")
        let detector = try detector()
        XCTAssertEqual(try detector.detect(in: image), detector.detect(grey: image.converted(to: .gray8)))
    }

    func testMinimumSizeAndInputWidthRestrictTheSearch() throws {
        let image = try fixture("two_people.jpg")
        let all = try detector().detect(in: image)
        let large = try detector { $0.minSize = 150 }.detect(in: image)
        XCTAssertTrue(large.allSatisfy { $0.box.width >= 150 }, "\(large.map(\.box))")
        XCTAssertLessThan(large.count, all.count)
        assertFinds(large, [(Point(x: 322, y: 118), 175), (Point(x: 870, y: 150), 170)], in: "two_people.jpg at minSize 150")
        // Scaled to 563 px wide, the boxes come back in full-size pixels.
        let half = try detector { $0.inputWidth = 563 }.detect(in: image)
        assertFinds(half, [(Point(x: 322, y: 118), 175), (Point(x: 870, y: 150), 170)], in: "two_people.jpg at half size")
    }

    func testMinNeighborsZeroGivesRawCandidates() throws {
        let image = try fixture("kit_with_rose_small.png")
        let raw = try detector { $0.minNeighbors = 0 }.detect(in: image)
        let grouped = try detector().detect(in: image)
        XCTAssertGreaterThan(raw.count, 3 * grouped.count)
    }
}
