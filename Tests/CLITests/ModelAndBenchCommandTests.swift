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

    /// The layout a model ran in is reported; `FER_LIVE_LAYOUT` forces one, and a wrong value is a one-line error.
    func testBenchReportsAndForcesTheLayout() throws {
        struct Report: Decodable {
            struct Row: Decodable { let layout: String }
            let results: [Row]
        }
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Three 3x3 convolutions of 32 channels in a row: a chain the planner may put in the blocked layout.
        var b = ModelBuilder()
        b.input("x", [1, 16, 20, 20])
        var input = "x", channels = 16
        for layer in 0..<3 {
            b.randomWeight("w\(layer)", [32, channels, 3, 3], seed: UInt64(40 + layer))
            b.node("Conv", [input, "w\(layer)"], ["c\(layer)"],
                   [ModelBuilder.ints("kernel_shape", [3, 3]), ModelBuilder.ints("pads", [1, 1, 1, 1])])
            (input, channels) = ("c\(layer)", 32)
        }
        b.output(input)
        let url = dir.appendingPathComponent("chain.onnx")
        try b.write(to: url)
        let arguments = ["bench", "--json", "--runs", "4", "--model", url.path, "--shape", "1x16x20x20"]
        for (environment, expected) in [("blocked", ["blocked"]), ("planar", ["planar"]), ("", ["blocked", "planar"])] {
            let result = try FerLiveBinary.run(arguments, environment: ["FER_LIVE_LAYOUT": environment])
            XCTAssertEqual(result.status, 0, result.stderr)
            let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
            XCTAssertEqual(report.results.count, 1)
            XCTAssertTrue(expected.contains(report.results[0].layout), "\(environment): \(report.results[0].layout)")
        }
        let wrong = try FerLiveBinary.run(arguments, environment: ["FER_LIVE_LAYOUT": "diagonal"])
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stderr.contains("FER_LIVE_LAYOUT=diagonal: not one of planar, blocked"), wrong.stderr)
    }

    /// A model one brings, timed alone at the given shape, on the instruction set asked for and threads.
    func testBenchAModelOneBringsOnChosenKernelsAndThreads() throws {
        struct Report: Decodable {
            struct Row: Decodable { let model: String; let input: String; let isa: String; let threads: Int }
            let results: [Row]
        }
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var b = ModelBuilder()
        b.input("x", [1, 16, 40, 40])
        b.randomWeight("w", [64, 16, 3, 3], seed: 3)
        b.node("Conv", ["x", "w"], ["y"], [ModelBuilder.ints("kernel_shape", [3, 3]), ModelBuilder.ints("pads", [1, 1, 1, 1])])
        b.output("y")
        let url = dir.appendingPathComponent("wide.onnx")
        try b.write(to: url)
        for isa in ["baseline", "avx2", "avx512"] {
            let result = try FerLiveBinary.run(["bench", "--json", "--runs", "4", "--model", url.path,
                                                "--shape", "1x16x40x40", "--threads", "2"],
                                               environment: ["FER_LIVE_ISA": isa])
            let supported = isa == "baseline" || (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
                .contains(isa == "avx2" ? " avx2 " : " avx512f ") == true
            guard supported else {
                XCTAssertEqual(result.status, 1)
                XCTAssertTrue(result.stderr.contains("FER_LIVE_ISA=\(isa): this CPU does not have it"), result.stderr)
                continue
            }
            XCTAssertEqual(result.status, 0, result.stderr)
            let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
            XCTAssertEqual(report.results.map(\.model), ["wide"])
            XCTAssertEqual(report.results.map(\.input), ["1x16x40x40"])
            XCTAssertEqual(report.results.map(\.isa), [isa])
            XCTAssertEqual(report.results.map(\.threads), [2])
        }
        let unknown = try FerLiveBinary.run(["bench", "--model", url.path, "--shape", "1x16x40x40"],
                                            environment: ["FER_LIVE_ISA": "sse9"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("FER_LIVE_ISA=sse9: not one of baseline, avx2, avx512"), unknown.stderr)
        let noShape = try FerLiveBinary.run(["bench", "--model", url.path])
        XCTAssertNotEqual(noShape.status, 0)
        XCTAssertTrue(noShape.stderr.contains("--model and --shape go together"), noShape.stderr)
        let badShape = try FerLiveBinary.run(["bench", "--model", url.path, "--shape", "1x16xfortyx40"])
        XCTAssertNotEqual(badShape.status, 0)
        XCTAssertTrue(badShape.stderr.contains("--shape 1x16xfortyx40"), badShape.stderr)
    }

    /// `--classifier-threads` reaches the classifier, and a bad count is refused in one line.
    func testClassifierThreads() throws {
        let photo = TestPaths.fixtures.appendingPathComponent("two_people.jpg").path
        let one = try FerLiveBinary.run(["image", photo, "--json"])
        let two = try FerLiveBinary.run(["image", photo, "--json", "--classifier-threads", "2"])
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertEqual(two.status, 0, two.stderr)
        // The same faces and scores: threads share the work, the sums are the same.
        struct Report: Decodable { struct Face: Decodable { let emotion: String; let probabilities: [String: Double] }; let faces: [Face] }
        func faces(_ text: String) throws -> [Report.Face] {
            try JSONDecoder().decode([Report].self, from: Data(text.utf8)).flatMap(\.faces)
        }
        XCTAssertEqual(try faces(one.stdout).map(\.emotion), try faces(two.stdout).map(\.emotion))
        XCTAssertEqual(try faces(one.stdout).map(\.probabilities), try faces(two.stdout).map(\.probabilities))
        XCTAssertFalse(try faces(one.stdout).isEmpty)
        let bad = try FerLiveBinary.run(["image", photo, "--classifier-threads", "0"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--classifier-threads must be between 1 and 64, got 0"), bad.stderr)
    }
}
