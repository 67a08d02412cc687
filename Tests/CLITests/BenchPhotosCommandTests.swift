import Foundation
import TestSupport
import XCTest

/// `fer-live bench photos` on the three committed photos, which are three of the hand-checked ones.
final class BenchPhotosCommandTests: XCTestCase {
    struct Report: Decodable {
        struct Row: Decodable {
            let width: String, threshold: Float, faces: Int, found: Int, false_faces: Int
        }
        let photo_count: Int
        let rows: [Row]
    }

    func testTheCommittedPhotosAreScoredPerWidthAndThreshold() throws {
        let result = try FerLiveBinary.run(["bench", "photos", "--photos", TestPaths.fixtures.path,
                                            "--widths", "160,photo", "--thresholds", "0.6,0.99", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("are not in"), "the other 26 photos are named as missing: \(result.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        XCTAssertEqual(report.photo_count, 3)
        XCTAssertEqual(report.rows.map(\.width), ["160", "160", "photo", "photo"])
        for row in report.rows { XCTAssertEqual(row.faces, 7, "2 + 3 + 2 hand-checked faces") }
        let own = try XCTUnwrap(report.rows.first { $0.width == "photo" && $0.threshold == 0.6 })
        XCTAssertEqual(own.found, 7, "every face at the photos' own size")
        XCTAssertEqual(own.false_faces, 0)
        let tiny = try XCTUnwrap(report.rows.first { $0.width == "160" && $0.threshold == 0.6 })
        XCTAssertLessThan(tiny.found, 7, "at 160 px the 2000-px photo's faces are too small")
        let strict = try XCTUnwrap(report.rows.first { $0.width == "photo" && $0.threshold == 0.99 })
        XCTAssertLessThan(strict.found, own.found, "a higher threshold keeps fewer faces")
    }

    func testBadArgumentsAndFilesAreOneLineErrors() throws {
        let widths = try FerLiveBinary.run(["bench", "photos", "--widths", "10"])
        XCTAssertNotEqual(widths.status, 0)
        XCTAssertTrue(widths.stderr.contains("--widths: '10'"), widths.stderr)
        let missing = try FerLiveBinary.run(["bench", "photos", "--truth", "/nonexistent/truth.json",
                                             "--photos", TestPaths.fixtures.path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.hasPrefix("fer-live: cannot read face truth /nonexistent/truth.json"), missing.stderr)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1)
    }
}
