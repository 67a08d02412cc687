import Foundation
import TestSupport
import XCTest

/// A network camera: ffmpeg serves the demo clip as MJPEG over HTTP on loopback; fer-live reads it through its
/// supervised ffmpeg child, loses it when the server dies, and resumes when it is back.
final class NetworkCameraCLITests: XCTestCase {
    private let clip = TestPaths.models.appendingPathComponent("demo/pedestrians.mjpeg").path

    /// `ffmpeg -re -i clip -f mpjpeg -listen 1 http://127.0.0.1:PORT/`: one client, then it exits.
    private func serve(port: Int, ffmpeg: String) throws -> Process {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: ffmpeg)
        server.arguments = ["-nostdin", "-hide_banner", "-loglevel", "quiet", "-re", "-stream_loop", "-1", "-i", clip,
                            "-c:v", "copy", "-f", "mpjpeg", "-listen", "1", "http://127.0.0.1:\(port)/"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        return server
    }

    private func sourceEvents(_ path: String) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["type"] as? String == "source" }
    }

    private func waitFor(_ timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        return condition()
    }

    func testTheCameraIsLostAndFoundAgainAndCredentialsNeverShow() throws {
        guard let ffmpeg = ExternalTools.ffmpeg else { throw XCTSkip(ExternalTools.missingFFmpeg("serve a network camera")) }
        let port = freeLoopbackPort()
        var server = try serve(port: port, ffmpeg: ffmpeg)
        defer { if server.isRunning { server.terminate() } }
        let events = FileManager.default.temporaryDirectory.appendingPathComponent("net-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: events) }
        Thread.sleep(forTimeInterval: 0.5)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: FerLiveBinary.path)
        process.arguments = ["http://viewer:s3cretpass@127.0.0.1:\(port)/", "--headless", "--events", events]
        process.environment = ProcessInfo.processInfo.environment.merging(["OPENBLAS_NUM_THREADS": "1"]) { $1 }
        let stderr = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        XCTAssertTrue(waitFor(15) { self.sourceEvents(events).contains { $0["state"] as? String == "streaming" } },
                      "streams from the network camera")
        server.terminate()
        server.waitUntilExit()
        XCTAssertTrue(waitFor(15) { self.sourceEvents(events).contains { $0["state"] as? String == "waiting" } },
                      "the lost camera is reported as waiting")
        server = try serve(port: port, ffmpeg: ffmpeg)
        XCTAssertTrue(waitFor(20) {
            let states = self.sourceEvents(events).compactMap { $0["state"] as? String }
            return states.last == "streaming" && states.contains("waiting")
        }, "streams again once the camera is back: \(sourceEvents(events))")

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let written = (try? String(contentsOfFile: events, encoding: .utf8)) ?? ""
        XCTAssertFalse(log.contains("s3cretpass") || written.contains("s3cretpass"), "credentials never logged")
        XCTAssertFalse(log.contains("viewer:") || written.contains("viewer:"))
        let waiting = try XCTUnwrap(sourceEvents(events).first { $0["state"] as? String == "waiting" })
        XCTAssertTrue((waiting["detail"] as? String)?.hasPrefix("http://***@127.0.0.1:\(port)/: ") == true, "\(waiting)")
        XCTAssertTrue(written.contains("\"source\":\"http://***@127.0.0.1:\(port)/\""))
    }
}
