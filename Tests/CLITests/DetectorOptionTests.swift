import Foundation
import Imaging
import TestSupport
import XCTest

/// `--detector yunet|mtcnn|haar` in the commands that detect, its options, bad values, and `bench detectors`.
final class DetectorOptionTests: XCTestCase {
    private var directory: URL!
    override func setUpWithError() throws { directory = try TestPaths.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func fixture(_ name: String) -> String { TestPaths.fixtures.appendingPathComponent(name).path }

    struct Photo: Decodable {
        struct Face: Decodable {
            let box: Rect
            let score: Float
            let emotion: String
            let landmarks: [String: Point]?
        }
        let faces: [Face]
    }

    private func photo(_ arguments: [String]) throws -> Photo {
        let result = try FerLiveBinary.run(["image", "--json"] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(try JSONDecoder().decode([Photo].self, from: Data(result.stdout.utf8)).first)
    }

    /// Both faces of two_people.jpg (centres checked by eye), whatever else a detector finds.
    private func assertBothFaces(_ photo: Photo, file: StaticString = #filePath, line: UInt = #line) {
        for centre in [Point(x: 320, y: 120), Point(x: 868, y: 150)] {
            XCTAssertTrue(photo.faces.contains { $0.box.center.distance(to: centre) < 45 },
                          "no face at \(centre): \(photo.faces.map(\.box))", file: file, line: line)
        }
    }

    func testHaarFindsBothFacesWithoutLandmarks() throws {
        let photo = try photo(["--detector", "haar", fixture("two_people.jpg")])
        assertBothFaces(photo)
        XCTAssertTrue(photo.faces.allSatisfy { $0.landmarks == nil })
        XCTAssertTrue(photo.faces.allSatisfy { $0.box.width == $0.box.height }, "Haar boxes are square")
        // OpenCV's default minNeighbors 3 leaves one weak false face here; 6 removes it.
        XCTAssertEqual(photo.faces.count, 3)
        XCTAssertEqual(try self.photo(["--detector", "haar", "--min-neighbors", "6", fixture("two_people.jpg")]).faces.count, 2)
        // --min-face-size: nothing below 150 px is searched.
        let large = try self.photo(["--detector", "haar", "--min-face-size", "150", fixture("two_people.jpg")])
        XCTAssertEqual(large.faces.count, 2)
        XCTAssertTrue(large.faces.allSatisfy { $0.box.width >= 150 })
    }

    func testMTCNNAndYuNetFindBothFacesWithLandmarks() throws {
        for detector in ["mtcnn", "yunet"] {
            let photo = try photo(["--detector", detector, fixture("two_people.jpg")])
            assertBothFaces(photo)
            XCTAssertEqual(photo.faces.count, 2, detector)
            XCTAssertTrue(photo.faces.allSatisfy { $0.landmarks?.count == 5 }, detector)
        }
    }

    func testBadDetectorValuesAreRejectedWithTheChoices() throws {
        let result = try FerLiveBinary.run(["image", "--detector", "viola", fixture("two_people.jpg")])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("viola"), result.stderr)
        XCTAssertTrue(result.stderr.contains("yunet") && result.stderr.contains("mtcnn") && result.stderr.contains("haar"),
                      result.stderr)
        XCTAssertTrue(result.stdout.isEmpty)

        let scale = try FerLiveBinary.run(["image", "--detector", "haar", "--scale-factor", "0.7", fixture("two_people.jpg")])
        XCTAssertNotEqual(scale.status, 0)
        XCTAssertTrue(scale.stderr.contains("--scale-factor for haar must be in (1, 4]"), scale.stderr)
        let neighbors = try FerLiveBinary.run(["image", "--detector", "haar", "--min-neighbors", "-1", fixture("two_people.jpg")])
        XCTAssertNotEqual(neighbors.status, 0)
    }

    /// An MJPEG clip of `count` 640x480 frames of two_people.jpg drifting.
    private func clip(_ count: Int) throws -> URL {
        let photo = try ImageCodec.decode(fileAt: fixture("two_people.jpg"), as: .rgb8)
        let scale = Float(photo.width) / 600
        var stream = Data()
        for i in 0..<count {
            let map = AffineMap(a: scale, b: 0, tx: Float(-20 + 2 * i) * scale, c: 0, d: scale, ty: -60 * scale)
            stream.append(contentsOf: try JPEGEncoder.encode(try photo.warpAffine(map, width: 640, height: 480), quality: 80))
        }
        let clip = directory.appendingPathComponent("clip.mjpeg")
        try stream.write(to: clip)
        return clip
    }

    func testLivePipelineRunsWithHaarOnLumaFrames() throws {
        let clip = try clip(20)
        let result = try FerLiveBinary.run([clip.path, "--headless", "--stats-interval", "0", "--detector", "haar",
                                            "--min-neighbors", "6"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let types = result.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["type"] as? String
        }
        XCTAssertEqual(types.filter { $0 == "track_start" }.count, 2, "\(types)")
        XCTAssertGreaterThanOrEqual(types.filter { $0 == "emotion" }.count, 2)
    }

    func testBenchDetectorsPrintsTheTable() throws {
        let photos = directory.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture("kit_with_rose_small.png"),
                                         toPath: photos.appendingPathComponent("kit.png").path)
        let clip = try clip(4).path
        let result = try FerLiveBinary.run(["bench", "detectors", "--photos", photos.path, "--clip", clip,
                                            "--detectors", "yunet,haar", "--runs", "1", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["clip_frames"] as? Int, 4)
        let rows = try XCTUnwrap(report["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.compactMap { $0["detector"] as? String }, ["yunet", "haar"])
        for row in rows {
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(row["photo_faces"] as? Int), 2, "\(row)")
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(row["clip_faces"] as? Int), 8, "two faces in each frame: \(row)")
            XCTAssertGreaterThan(try XCTUnwrap(row["photo_ms_640x480"] as? Double), 0)
        }
        let agreement = try XCTUnwrap(report["agreement"] as? [[String: Any]])
        XCTAssertEqual(agreement.count, 2)

        let table = try FerLiveBinary.run(["bench", "detectors", "--photos", photos.path, "--clip", clip,
                                           "--detectors", "haar", "--runs", "1"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.hasPrefix("| detector | faces in 1 photos |"), table.stdout)
        let bad = try FerLiveBinary.run(["bench", "detectors", "--detectors", "yunet,dlib"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("unknown detector 'dlib'"), bad.stderr)
    }
}
