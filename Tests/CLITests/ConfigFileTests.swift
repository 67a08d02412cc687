import Foundation
import TestSupport
import XCTest

/// `fer-live --config FILE`: settings files whose keys are the long options, the command line winning.
final class ConfigFileTests: XCTestCase {
    private var directory: URL!
    private let clip = TestPaths.models.appendingPathComponent("demo/pedestrians.mjpeg").path

    override func setUpWithError() throws {
        directory = try TestPaths.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func config(_ text: String, name: String = "camera.conf") throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The final stats event of an events file.
    private func finalStats(_ path: String) throws -> [String: Any] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let events = try lines.map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not JSON: \($0)")
        }
        let stats = try XCTUnwrap(events.last, "no events")
        XCTAssertEqual(stats["type"] as? String, "stats")
        return stats
    }

    func testSettingsFileRunsTheClip() throws {
        let events = directory.appendingPathComponent("events.jsonl").path
        let file = try config("""
            # the demo clip, ten frames
            source = \(clip)
            max-frames = 10      # stop early
            headless = true
            stats-interval = 0

            detect-every = 2
            events = "\(events)"
            """)
        let result = try FerLiveBinary.run(["--config", file])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "", "events go to the file named in the settings")
        let stats = try finalStats(events)
        XCTAssertEqual(stats["frames"] as? Int, 10)
        XCTAssertEqual(stats["source"] as? String, clip)
    }

    func testCommandLineWinsOverTheFile() throws {
        let events = directory.appendingPathComponent("events.jsonl").path
        let file = try config("""
            source = /nonexistent/camera
            max-frames = 10
            headless = true
            stats-interval = 0
            events = \(events)
            """)
        // The command line's SOURCE, --max-frames and --events replace the file's.
        let result = try FerLiveBinary.run(["run", clip, "--config", file, "--max-frames", "4", "--events", "-"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: events))
        let last = try XCTUnwrap(result.stdout.split(separator: "\n").last)
        let stats = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        XCTAssertEqual(stats["frames"] as? Int, 4)
    }

    func testDefaultSourceYieldsToTheFileSource() throws {
        let withSource = try config("source = \(clip)\nmax-frames = 3\nheadless = true\nstats-interval = 0\n")
        var result = try FerLiveBinary.run(["--config", withSource, "--default-source", "/nonexistent/video9"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains(#""frames":3"#), result.stdout)

        let withoutSource = try config("max-frames = 3\nheadless = true\n", name: "plain.conf")
        result = try FerLiveBinary.run(["--config", withoutSource, "--default-source", clip])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains(#""frames":3"#), result.stdout)
    }

    /// Each bad file fails before anything runs, with one line naming the file (and line).
    func testBadFilesGiveOneLineErrors() throws {
        let cases: [(String, String)] = [
            ("headless = true\nfps 15\n", "camera.conf:2: expected 'key = value', got 'fps 15'"),
            ("# comment\nfsp = 15\n", "camera.conf:2: unknown key 'fsp'"),
            ("headless = maybe\n", "camera.conf:1: 'headless' is a flag: use true or false, got 'maybe'"),
            ("fps = 15\nfps = 30\n", "camera.conf:2: 'fps' is already set on line 1"),
            ("events =\n", "camera.conf:1: 'events' has no value"),
            ("config = other.conf\n", "camera.conf:1: 'config' cannot be set in a settings file"),
        ]
        for (text, expected) in cases {
            let file = try config(text)
            let result = try FerLiveBinary.run(["--config", file, "--max-frames", "1"])
            XCTAssertEqual(result.status, 78, "\(text): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(expected), "\(expected) not in: \(result.stderr)")
            XCTAssertEqual(result.stdout, "")
        }
        let missing = directory.appendingPathComponent("missing.conf").path
        let result = try FerLiveBinary.run(["run", "--config", missing])
        XCTAssertEqual(result.status, 78)
        XCTAssertEqual(result.stderr, "fer-live: \(missing): cannot read: no such file\n")
    }

    /// A value the option itself rejects is reported by the option's own check.
    func testValuesAreCheckedByTheOptions() throws {
        let file = try config("fps = -3\nheadless = true\n")
        let result = try FerLiveBinary.run(["--config", file, clip])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--fps must be in (0, 1000]"), result.stderr)
    }

    func testHelpDescribesTheSettingsFile() throws {
        let result = try FerLiveBinary.run(["run", "--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("--config <file>"), result.stdout)
        XCTAssertTrue(result.stdout.contains("--default-source <source>"), result.stdout)
    }
}
