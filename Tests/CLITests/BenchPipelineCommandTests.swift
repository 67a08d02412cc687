import Foundation
import Imaging
import TestSupport
import XCTest

/// `fer-live bench pipeline` and `bench framing` on committed fixtures (no ../shared needed): the faces of the
/// fixture photos, cropped by `fer-live image --crops`, are the labelled faces; the photos are the backgrounds.
final class BenchPipelineCommandTests: XCTestCase {
    private var dir: URL!
    override func setUpWithError() throws { dir = try TestPaths.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// DIR/neutral/*.jpg: the seven faces of the three fixture photos as 48x48 crops.
    private func faces() throws -> String {
        let crops = dir.appendingPathComponent("faces/neutral")
        let photos = ["two_people.jpg", "obama_and_biden.jpg", "kit_with_rose.jpg"].map {
            TestPaths.fixtures.appendingPathComponent($0).path
        }
        let result = try FerLiveBinary.run(["image", "--crops", crops.path] + photos)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: crops.path).count, 7)
        return dir.appendingPathComponent("faces").path
    }

    struct Report: Decodable {
        struct Row: Decodable {
            struct Tally: Decodable {
                let faces: Int, found: Int, direct_correct: Int, path_correct: Int, found_direct_correct: Int
            }
            let detector: String
            let exposure: String
            let tally: Tally
        }
        let crop: String
        let tta: String
        let rows: [Row]
    }

    func testEveryFaceIsAccountedForPerExposureAndCrop() throws {
        let data = try faces()
        for crop in ["manifest", "stretched"] {
            let result = try FerLiveBinary.run(["bench", "pipeline", "--data", data, "--backgrounds", TestPaths.fixtures.path,
                                                "--crop", crop, "--json"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
            XCTAssertEqual(report.crop, crop)
            XCTAssertEqual(report.tta, "flip", "the path as fer-live reads faces")
            XCTAssertEqual(report.rows.map(\.exposure), ["normal", "dark", "blurred", "all"])
            let all = try XCTUnwrap(report.rows.last?.tally)
            XCTAssertEqual(all.faces, 7)
            XCTAssertEqual(report.rows.dropLast().map(\.tally.faces).reduce(0, +), 7, "each face in one exposure")
            XCTAssertGreaterThan(all.found, 0, "real faces drawn at 64-224 px are found")
            XCTAssertLessThanOrEqual(all.path_correct, all.found)
            XCTAssertLessThanOrEqual(all.found_direct_correct, all.direct_correct)
        }
        // Deterministic: the same seed gives the same report.
        let args = ["bench", "pipeline", "--data", data, "--backgrounds", TestPaths.fixtures.path, "--json", "--seed", "7"]
        XCTAssertEqual(try FerLiveBinary.run(args).stdout, try FerLiveBinary.run(args).stdout)
    }

    func testBadArgumentsAreOneLineErrors() throws {
        let missing = try FerLiveBinary.run(["bench", "pipeline", "--data", "/nonexistent/faces"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/faces"), missing.stderr)
        let badDetector = try FerLiveBinary.run(["bench", "pipeline", "--detectors", "yolo"])
        XCTAssertNotEqual(badDetector.status, 0)
        XCTAssertTrue(badDetector.stderr.contains("unknown detector 'yolo'"), badDetector.stderr)
        let every = try FerLiveBinary.run(["bench", "pipeline", "--every", "0"])
        XCTAssertNotEqual(every.status, 0)
    }

    func testFramingMeasuresATemplateWithTheEyesAboveTheMouth() throws {
        let data = try faces()
        let result = try FerLiveBinary.run(["bench", "framing", "--data", data, "--stride", "1", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        struct Framing: Decodable {
            struct Detector: Decodable { let detector: String; let found: Int; let template: [[Float]]?; let prior: [[Float]]? }
            let images: Int
            let detectors: [Detector]
        }
        let report = try JSONDecoder().decode(Framing.self, from: Data(result.stdout.utf8))
        XCTAssertEqual(report.images, 7)
        let yunet = try XCTUnwrap(report.detectors.first { $0.detector == "yunet" })
        XCTAssertGreaterThan(yunet.found, 4)
        let t = try XCTUnwrap(yunet.template)
        XCTAssertEqual(t.count, 5)
        XCTAssertEqual(t[0][0] + t[1][0], 1, accuracy: 1e-4, "symmetric eyes")
        XCTAssertLessThan(t[0][1], t[2][1], "eyes above the nose")
        XCTAssertLessThan(t[2][1], t[3][1], "nose above the mouth")
        XCTAssertNil(report.detectors.first { $0.detector == "haar" }?.template, "Haar has no landmarks of its own")
    }
}
