import Foundation
import Imaging
import TestSupport
import XCTest

/// `fer-live report`: from the pipeline's own event log and from a generated week, to a page a person can read.
final class ReportCommandTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Runs the committed generator (Tests/Benchmarks/event_log_generator.py) into `folder`.
    private func generate(_ folder: String, _ arguments: [String]) throws {
        let script = TestPaths.repository.appendingPathComponent("Tests/Benchmarks/event_log_generator.py").path
        let result = try Subprocess.run("/usr/bin/env", ["python3", script, folder] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func testTheReportOfTheDemoClipsOwnEventLogCountsItsTracks() throws {
        let clip = TestPaths.models.appendingPathComponent("demo/pedestrians.mjpeg").path
        let events = path("events.jsonl")
        let run = try FerLiveBinary.run([clip, "--headless", "--events", events])
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
        let ends = lines.filter { $0.hasPrefix("{\"type\":\"track_end\"") }.count
        XCTAssertGreaterThan(ends, 3, "the clip has several faces")
        XCTAssertTrue(lines.contains { $0.contains("\"model\":\"ferplus_resnet24\"") }, "source events name the model")

        let result = try FerLiveBinary.run(["report", events, "--out", path("r.html"), "--csv", path("r.csv"), "--bucket", "1s"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("\(ends) faces on 1 camera"), result.stderr)
        let html = try String(contentsOfFile: path("r.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("agrees with the majority of 10 human taggers"), "the methods box names the model's accuracy")
        let csv = try String(contentsOfFile: path("r.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThan(csv.count, 2)
        XCTAssertTrue(csv[1].contains("pedestrians.mjpeg"))
    }

    func testBadInputGetsOneClearLineAndNonZeroExit() throws {
        let missing = try FerLiveBinary.run(["report", path("nope.jsonl"), "--out", path("x.html")])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("cannot open event log \(path("nope.jsonl")): No such file or directory"), missing.stderr)

        try "not json\n{\"type\":\"stats\"}\n".write(toFile: path("junk.jsonl"), atomically: true, encoding: .utf8)
        let empty = try FerLiveBinary.run(["report", path("junk.jsonl"), "--out", path("x.html")])
        XCTAssertEqual(empty.status, 1)
        XCTAssertTrue(empty.stderr.contains("bad line: \(path("junk.jsonl")):1: not a JSON object"), empty.stderr)
        XCTAssertTrue(empty.stderr.contains("no faces in \(path("junk.jsonl"))"), empty.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.html")), "no empty chart")

        let bucket = try FerLiveBinary.run(["report", path("junk.jsonl"), "--bucket", "soon"])
        XCTAssertNotEqual(bucket.status, 0)
        XCTAssertTrue(bucket.stderr.contains("--bucket soon"), bucket.stderr)
    }

    func testAGeneratedWeekRendersInChromiumWithChartsAndNoConsoleErrors() throws {
        guard HeadlessChromium.path != nil else { throw XCTSkip(HeadlessChromium.missing) }
        let logs = path("logs")
        try generate(logs, ["--cameras", "2", "--days", "3", "--faces-per-hour", "30"])
        let files = try FileManager.default.subpathsOfDirectory(atPath: logs).filter { $0.contains("events.jsonl") }
            .map { "\(logs)/\($0)" }
        XCTAssertEqual(files.count, 6)
        let result = try FerLiveBinary.run(["report"] + files + ["--out", path("week.html"), "--bucket", "1h"])
        XCTAssertEqual(result.status, 0, result.stderr)

        let visit = try HeadlessChromium.visit("file://\(path("week.html"))", at: [1], screenshot: true, height: 1500)
        XCTAssertEqual(visit.console, [], "the page logs nothing")
        let shot = try ImageCodec.decode(data: [UInt8](visit.png), as: .rgb8)
        func count(in rows: Range<Int>, _ matches: (Int, Int, Int) -> Bool) -> Int {
            var n = 0
            for y in rows where y < shot.height {
                for x in 0..<shot.width {
                    let i = (y * shot.width + x) * 3
                    if matches(Int(shot.pixels[i]), Int(shot.pixels[i + 1]), Int(shot.pixels[i + 2])) { n += 1 }
                }
            }
            return n
        }
        func count(_ hex: UInt32, in rows: Range<Int>) -> Int {
            let (r, g, b) = (Int(hex >> 16), Int(hex >> 8 & 0xFF), Int(hex & 0xFF))
            return count(in: rows) { abs($0 - r) + abs($1 - g) + abs($2 - b) < 24 }
        }
        // The share-over-time chart sits below the figures: happy (yellow), sad (blue) and neutral (grey) drawn there.
        let chartRows = 200..<480, heatRows = 650..<880
        XCTAssertGreaterThan(count(0xFFC800, in: chartRows), 3000, "happy's band")
        XCTAssertGreaterThan(count(0x2878FF, in: chartRows), 500, "sad's band")
        XCTAssertGreaterThan(count(0xC8C8C8, in: chartRows), 3000, "neutral's band")
        XCTAssertGreaterThan(count(0x5B6B7F, in: chartRows), 500, "the faces strip")
        // The heat maps further down: the faces map's cells, shades of one blue over white.
        XCTAssertGreaterThan(count(in: heatRows) { r, g, b in b > r + 40 && b > g + 15 && b < 250 }, 2000, "faces heat map")
        XCTAssertEqual(count(0xFFC800, in: 0..<90), 0, "nothing drawn over the title")
    }
}
