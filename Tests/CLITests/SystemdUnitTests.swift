import Foundation
import TestSupport
import XCTest

/// The systemd units in `systemd/`: they load cleanly, the camera unit is hardened, and its command line runs.
final class SystemdUnitTests: XCTestCase {
    private var directory: URL!
    private let units = TestPaths.repository.appendingPathComponent("systemd")
    private static let installedBinary = "/usr/local/bin/fer-live"

    override func setUpWithError() throws {
        directory = try TestPaths.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func analyzer() throws -> String {
        let path = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        return try XCTUnwrap(path, "systemd-analyze is missing")
    }

    private func skipWithoutAnalyzer() throws {
        if (try? analyzer()) == nil { throw XCTSkip("needs systemd-analyze (Debian package systemd)") }
    }

    /// A copy of `unit` saved as `name`, naming the built binary instead of the installed one
    /// (`verify` checks that ExecStart's program exists).
    private func copy(_ unit: String, as name: String) throws -> String {
        let text = try String(contentsOf: units.appendingPathComponent(unit), encoding: .utf8)
        XCTAssertTrue(text.contains(Self.installedBinary), "\(unit) runs \(Self.installedBinary)")
        let path = directory.appendingPathComponent(name).path
        try Data(text.replacingOccurrences(of: Self.installedBinary, with: FerLiveBinary.path).utf8)
            .write(to: URL(fileURLWithPath: path))
        return path
    }

    func testCameraUnitVerifies() throws {
        try skipWithoutAnalyzer()
        let unit = try copy("fer-live@.service", as: "fer-live@video0.service")
        let result = try Subprocess.run(try analyzer(), ["verify", unit])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "", "systemd-analyze verify warns")
    }

    func testKioskUserUnitVerifies() throws {
        try skipWithoutAnalyzer()
        let unit = try copy("fer-live-kiosk.service", as: "fer-live-kiosk.service")
        let runtime = directory.appendingPathComponent("runtime")
        try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let result = try Subprocess.run(try analyzer(), ["verify", "--user", unit],
                                        environment: ["XDG_RUNTIME_DIR": runtime.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "", "systemd-analyze verify --user warns")
    }

    /// A broken copy fails the same check: the check sees unknown keys and missing programs.
    func testVerifyCatchesMistakes() throws {
        try skipWithoutAnalyzer()
        let unit = try copy("fer-live@.service", as: "fer-live@video1.service")
        try (try String(contentsOfFile: unit, encoding: .utf8) + "\n[Service]\nWatchDogSec=5\n")
            .write(toFile: unit, atomically: true, encoding: .utf8)
        let result = try Subprocess.run(try analyzer(), ["verify", unit])
        XCTAssertTrue(result.stderr.contains("WatchDogSec"), result.stderr)
    }

    func testCameraUnitExposureIsAtMostOnePointFive() throws {
        try skipWithoutAnalyzer()
        let unit = units.appendingPathComponent("fer-live@.service").path
        // A UTF-8 locale whatever the caller's (a fresh machine may have no LANG): in the C locale systemd
        // prints "1.3 OK :-)" and ASCII marks instead of "1.3 OK 🙂" and ✓.
        let result = try Subprocess.run(try analyzer(), ["security", "--offline=true", "--no-pager", unit],
                                        environment: ["LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"])
        XCTAssertEqual(result.status, 0, result.stderr)
        // "→ Overall exposure level for fer-live@i.service: 1.3 OK 🙂"
        let line = try XCTUnwrap(result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") },
                                 result.stdout)
        let number = try XCTUnwrap(line.range(of: #"\.service: [0-9]+(\.[0-9]+)?"#, options: .regularExpression),
                                   String(line))
        let score = try XCTUnwrap(Double(line[number].split(separator: " ").last ?? ""), String(line))
        XCTAssertLessThanOrEqual(score, 1.5, String(line))
        for setting in ["DynamicUser=", "ProtectSystem=", "RestrictAddressFamilies=~AF_PACKET", "MemoryDenyWriteExecute=", "SystemCallFilter=~@privileged",
                        "CapabilityBoundingSet=~CAP_SYS_ADMIN"] {
            let row = result.stdout.split(separator: "\n").first { $0.contains(setting) }
            XCTAssertTrue(row?.contains("✓") ?? false, "\(setting): \(row ?? "missing")")
        }
    }

    /// The camera unit's ExecStart, its specifiers filled in for instance `video0`, runs the binary:
    /// the settings file's `source` replaces the instance camera, events land in the logs directory.
    func testCameraUnitCommandLineRuns() throws {
        let text = try String(contentsOf: units.appendingPathComponent("fer-live@.service"), encoding: .utf8)
        let execStart = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        let logs = directory.appendingPathComponent("logs").path
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let settings = directory.appendingPathComponent("video0.conf").path
        let clip = TestPaths.models.appendingPathComponent("demo/pedestrians.mjpeg").path
        try "source = \(clip)\nmax-frames = 5\nstats-interval = 0\n".write(toFile: settings, atomically: true,
                                                                             encoding: .utf8)
        let words = execStart.dropFirst("ExecStart=".count).split(separator: " ").map { word in
            String(word).replacingOccurrences(of: "/etc/fer-live/%i.conf", with: settings)
                .replacingOccurrences(of: "${LOGS_DIRECTORY}", with: logs)
                .replacingOccurrences(of: "%i", with: "video0").replacingOccurrences(of: "%I", with: "video0")
        }
        XCTAssertEqual(words.first, Self.installedBinary)
        XCTAssertTrue(words.contains("--headless") && words.contains("--wait-for-camera"), "\(words)")
        let result = try FerLiveBinary.run(Array(words.dropFirst()))
        XCTAssertEqual(result.status, 0, result.stderr)
        let events = try String(contentsOfFile: logs + "/video0.jsonl", encoding: .utf8)
        XCTAssertTrue(events.contains(#""type":"stats""#), events)
        XCTAssertTrue(events.contains(#""frames":5"#), events)
    }
}
