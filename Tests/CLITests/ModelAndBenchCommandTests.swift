import Foundation
import TestSupport
import XCTest

/// `fer-live model inspect` and `fer-live bench`.
final class ModelAndBenchCommandTests: XCTestCase {
    func testInspectShippedDetector() throws {
        let yunet = TestPaths.models.appendingPathComponent("detection/yunet_s.onnx").path
        let result = try FerLiveBinary.run(["model", "inspect", yunet, "--shape", "input=1x3x256x320"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("inputs:     input [batch, 3, height, width]"), result.stdout)
        XCTAssertTrue(result.stdout.contains("parameters: 53112"), result.stdout)
        XCTAssertTrue(result.stdout.contains("MACs:       68.84 M for input=1x3x256x320"), result.stdout)
        XCTAssertTrue(result.stdout.contains("supported:  yes"), result.stdout)

        let unresolved = try FerLiveBinary.run(["model", "inspect", yunet, "--shape", "1x3x240x320"])
        XCTAssertEqual(unresolved.status, 1)
        XCTAssertTrue(unresolved.stdout.contains("shapes do not resolve"), unresolved.stdout)
    }

    func testInspectUnsupportedModelExitsNonZero() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var b = ModelBuilder()
        b.input("x", [1, 4])
        b.node("Erf", ["x"], ["y"])
        b.output("y")
        let url = dir.appendingPathComponent("erf.onnx")
        try b.write(to: url)
        let result = try FerLiveBinary.run(["model", "inspect", url.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("unsupported operators: Erf"), result.stdout)

        let missing = try FerLiveBinary.run(["model", "inspect", dir.appendingPathComponent("none.onnx").path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("none.onnx: cannot read model: no such file"), missing.stderr)
    }

    func testBenchJSON() throws {
        struct Report: Decodable {
            struct Row: Decodable { let model: String; let input: String; let median_ms: Double; let p90_ms: Double }
            let results: [Row]
        }
        // The default classifier (ferplus_resnet24, 48x48), then mini_xception by name (64x64); the detector both times.
        for (arguments, classifier, input) in [([String](), "ferplus_resnet24", "1x1x48x48"),
                                               (["--classifier", "mini_xception"], "mini_xception", "1x1x64x64")] {
            let result = try FerLiveBinary.run(["bench", "--json", "--runs", "8"] + arguments)
            XCTAssertEqual(result.status, 0, result.stderr)
            let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
            XCTAssertEqual(report.results.map(\.model), [classifier, "yunet_s", "yunet_s"])
            XCTAssertEqual(report.results.map(\.input), [input, "1x3x256x320", "1x3x480x640"])
            for row in report.results {
                XCTAssertGreaterThan(row.median_ms, 0)
                XCTAssertGreaterThanOrEqual(row.p90_ms, row.median_ms)
            }
        }
    }
}
