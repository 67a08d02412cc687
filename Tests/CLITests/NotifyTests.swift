import Foundation
import Imaging
import TestSupport
import XCTest

/// `fer-live` under a systemd-like supervisor: a test binds its own `NOTIFY_SOCKET` and reads what the daemon says.
final class NotifyTests: XCTestCase {
    private var directory: URL!
    private var receiver: NotifyReceiver!

    override func setUpWithError() throws {
        directory = try TestPaths.temporaryDirectory()
        receiver = try NotifyReceiver(directory: directory)
    }

    override func tearDownWithError() throws {
        receiver.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts fer-live with the notify socket and a 1 s watchdog (pings every 0.5 s).
    private func launch(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FerLiveBinary.path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["OPENBLAS_NUM_THREADS": "1", "NOTIFY_SOCKET": receiver.path, "WATCHDOG_USEC": "1000000"]
        ) { $1 }.merging(extra) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private func events(at url: URL) throws -> [[String: Any]] {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not JSON: \($0)")
        }
    }

    private func count(_ line: String, in messages: [NotifyReceiver.Message]) -> Int {
        messages.flatMap(\.lines).filter { $0 == line }.count
    }

    /// SIGTERM and a deadline: the run must end with 0 within 2 s.
    private func terminate(_ process: Process, file: StaticString = #filePath, line: UInt = #line) {
        let sent = Date()
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(sent), 2, "exit within 2 s of SIGTERM", file: file, line: line)
        XCTAssertEqual(process.terminationStatus, 0, file: file, line: line)
        XCTAssertTrue(receiver.wait(timeout: 1) { self.count("STOPPING=1", in: $0) == 1 }, file: file, line: line)
    }

    /// READY, STATUS and WATCHDOG pings on a file source; SIGHUP reopens the rotated event log; SIGTERM stops cleanly.
    func testReadyStatusWatchdogLogRotationAndStop() throws {
        let clip = directory.appendingPathComponent("clip.mjpeg")
        try Data(try DriftingFrames.twoPeople(20).flatMap { $0 }).write(to: clip)
        let log = directory.appendingPathComponent("events.jsonl")
        let process = try launch([clip.path, "--headless", "--realtime", "--loop", "--events", log.path,
                                  "--stats-interval", "1"])
        defer { if process.isRunning { process.terminate() } }

        XCTAssertTrue(receiver.wait(timeout: 30) { self.count("READY=1", in: $0) == 1 }, "\(receiver.lines)")
        let ready = try XCTUnwrap(receiver.messages.firstIndex { $0.lines.contains("READY=1") })
        XCTAssertTrue(receiver.wait(timeout: 3) { self.count("WATCHDOG=1", in: Array($0[ready...])) >= 2 },
                      "pings every 0.5 s: \(receiver.lines)")
        let statuses = receiver.lines.filter { $0.hasPrefix("STATUS=") }
        XCTAssertTrue(statuses.contains { $0.contains(" fps, 2 faces") }, "\(statuses)")

        // logrotate: move the file, SIGHUP, and the events continue in a new file at the old path.
        let rotated = directory.appendingPathComponent("events.jsonl.1")
        try FileManager.default.moveItem(at: log, to: rotated)
        kill(process.processIdentifier, SIGHUP)
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline, try events(at: log).isEmpty { Thread.sleep(forTimeInterval: 0.1) }
        XCTAssertTrue(process.isRunning, "SIGHUP must not end the run")
        XCTAssertFalse(try events(at: log).isEmpty, "a new event log after SIGHUP")
        let before = try events(at: rotated)
        XCTAssertFalse(before.isEmpty, "the events before the rotation stay in the moved file")

        terminate(process)
        let after = try events(at: log)
        XCTAssertEqual(after.filter { $0["type"] as? String == "track_end" }.count, 2, "\(after)")
        XCTAssertEqual(after.last?["type"] as? String, "stats")
        XCTAssertEqual(after.last?["final"] as? Bool, true)
        XCTAssertEqual(try events(at: rotated).count, before.count, "nothing more in the rotated file")
        XCTAssertEqual(receiver.lines.last { $0.hasPrefix("STATUS=") }, "STATUS=stopping")
    }

    /// A pipe that stops delivering (open, silent) stalls the pipeline: STATUS says so and the pings stop.
    func testAStalledSourceStopsTheWatchdogPings() throws {
        let fifo = directory.appendingPathComponent("feed.mjpeg").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let writer = open(fifo, O_RDWR | O_CLOEXEC)  // read-write: opening does not wait for the reader
        XCTAssertGreaterThanOrEqual(writer, 0)
        defer { close(writer) }
        let bytes = try DriftingFrames.twoPeople(15).flatMap { $0 }
        let process = try launch([fifo, "--headless", "--events", directory.appendingPathComponent("e.jsonl").path])
        defer { if process.isRunning { process.terminate() } }
        // 15 frames, then silence with the pipe left open: next() blocks, no end of stream.
        DispatchQueue.global().async {
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(writer, raw.baseAddress! + offset, raw.count - offset)
                    if n <= 0 { return }
                    offset += n
                }
            }
        }

        XCTAssertTrue(receiver.wait(timeout: 30) { self.count("READY=1", in: $0) == 1 }, "\(receiver.lines)")
        XCTAssertTrue(receiver.wait(timeout: 15) { $0.contains { $0.text.contains("STATUS=stalled: no frame for") } },
                      "\(receiver.lines)")
        XCTAssertGreaterThanOrEqual(count("WATCHDOG=1", in: receiver.messages), 2, "pinged while frames flowed")
        let pings = count("WATCHDOG=1", in: receiver.messages)
        Thread.sleep(forTimeInterval: 2)
        XCTAssertEqual(count("WATCHDOG=1", in: receiver.messages), pings, "no ping while stalled: \(receiver.lines)")
        XCTAssertTrue(process.isRunning)
        terminate(process)
    }

    /// An emulated camera unplugged for 5 s: the run goes on, STATUS and /healthz say what it waits for, the pings
    /// go on, and frames flow again within 2 s of the camera coming back.
    func testUnpluggedCameraIsWaitedForAndResumes() throws {
        let camera = try UnpluggableCamera(in: directory, frames: try DriftingFrames.twoPeople(2))
        let log = directory.appendingPathComponent("events.jsonl")
        let port = freeLoopbackPort()
        let process = try launch(["/dev/video0", "--headless", "--events", log.path, "--stats-interval", "0",
                                  "--http", "127.0.0.1:\(port)"],
                                 environment: camera.environment)
        defer { if process.isRunning { process.terminate() } }

        XCTAssertTrue(receiver.wait(timeout: 30) { self.count("READY=1", in: $0) == 1 }, "\(receiver.lines)")
        XCTAssertTrue(receiver.wait(timeout: 3) { $0.contains { $0.text.contains("streaming 640x480") } },
                      "\(receiver.lines)")

        try camera.setPlugged(false)
        XCTAssertTrue(receiver.wait(timeout: 2) {
            $0.contains { $0.lines.contains("STATUS=waiting for /dev/video0: no such device") }
        }, "\(receiver.lines)")
        let unplugged = receiver.messages.count
        Thread.sleep(forTimeInterval: 2.5)
        let health = try HTTPTestClient.get(port: port, path: "/healthz")
        XCTAssertEqual(health.status, 503, health.text)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(health.body)) as? [String: Any])
        XCTAssertEqual(report["status"] as? String, "waiting", health.text)
        XCTAssertTrue((report["detail"] as? String)?.contains("/dev/video0") == true, health.text)
        Thread.sleep(forTimeInterval: 2.5)
        XCTAssertTrue(process.isRunning)
        let waitingPings = count("WATCHDOG=1", in: Array(receiver.messages[unplugged...]))
        XCTAssertGreaterThanOrEqual(waitingPings, 8, "pings go on while the camera is waited for: \(receiver.lines)")
        XCTAssertFalse(receiver.lines.contains { $0.hasPrefix("STATUS=stalled") }, "\(receiver.lines)")

        let replugged = Date()
        try camera.setPlugged(true)
        // Frames again: a track starts after the camera's second "streaming" event.
        var resumed: Date?
        while resumed == nil, Date().timeIntervalSince(replugged) < 5 {
            let list = try events(at: log)
            if let back = list.lastIndex(where: { $0["type"] as? String == "source" && $0["state"] as? String == "streaming" }),
               list.firstIndex(where: { $0["type"] as? String == "source" && $0["state"] as? String == "waiting" }) ?? .max < back,
               list[back...].contains(where: { $0["type"] as? String == "track_start" }) {
                resumed = Date()
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        let logText = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let delay = try XCTUnwrap(resumed, "no frames after the replug: \(logText)").timeIntervalSince(replugged)
        XCTAssertLessThan(delay, 2, "frames resume within 2 s of the camera coming back")
        XCTAssertTrue(receiver.wait(timeout: 2) {
            $0.last { $0.text.contains("STATUS=") }?.text.contains("faces, streaming 640x480") == true
        }, "\(receiver.lines)")
        XCTAssertEqual(try HTTPTestClient.get(port: port, path: "/healthz").status, 200)
        terminate(process)
    }
}
