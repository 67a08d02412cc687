import Foundation
import Imaging
import TestSupport
import XCTest

/// `fer-live SOURCE`: the live pipeline run as a user runs it, on clips, pipes and an emulated camera.
final class RunCommandTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestPaths.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// An MJPEG stream: the JPEGs back to back.
    private func mjpeg(_ count: Int) throws -> String {
        let path = directory.appendingPathComponent("clip.mjpeg").path
        try Data(try DriftingFrames.twoPeople(count).flatMap { $0 }).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func events(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not JSON: \($0)")
        }
    }

    func testClipGivesTheEventStreamAndPerFrameRows() throws {
        let clip = try mjpeg(30)
        let rows = directory.appendingPathComponent("rows.csv").path
        let result = try FerLiveBinary.run([clip, "--headless", "--per-frame", rows, "--stats-interval", "0"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let events = try events(result.stdout)
        let types = events.compactMap { $0["type"] as? String }
        XCTAssertEqual(types.filter { $0 == "track_start" }.count, 2, "\(types)")
        XCTAssertEqual(types.filter { $0 == "track_end" }.count, 2)
        XCTAssertGreaterThanOrEqual(types.filter { $0 == "emotion" }.count, 2)
        XCTAssertEqual(types.last, "stats")
        for event in events {
            XCTAssertEqual(event["source"] as? String, clip)
            XCTAssertNotNil(event["time"] as? String)
        }
        let final = try XCTUnwrap(events.last)
        XCTAssertEqual(final["frames"] as? Int, 30)
        XCTAssertEqual(final["dropped"] as? Int, 0)
        let lines = try String(contentsOfFile: rows, encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(lines[0].hasPrefix("frame,t,track,x,y,width,height,emotion,confidence,classified,angry,"))
        XCTAssertGreaterThanOrEqual(lines.count - 1, 50, "about 2 faces in each of 30 frames")
        XCTAssertEqual(Set(lines.dropFirst().map { $0.split(separator: ",")[2] }).count, 2, "two track IDs")
    }

    func testY4MFromStdin() throws {
        // A grey C420 stream written by hand: header, then FRAME + Y + neutral chroma.
        var y4m = Array("YUV4MPEG2 W640 H480 F25:1 Ip A1:1 C420jpeg\n".utf8)
        for jpeg in try DriftingFrames.twoPeople(10) {
            let gray = try ImageCodec.decode(data: jpeg, as: .gray8)
            y4m += Array("FRAME\n".utf8) + gray.pixels + [UInt8](repeating: 128, count: 2 * 320 * 240)
        }
        let result = try FerLiveBinary.run(["-", "--headless", "--stats-interval", "0"], stdin: Data(y4m))
        XCTAssertEqual(result.status, 0, result.stderr)
        let events = try events(result.stdout)
        XCTAssertEqual(events.last?["frames"] as? Int, 10)
        XCTAssertEqual(events.first?["source"] as? String, "stdin")
        XCTAssertGreaterThanOrEqual(events.filter { $0["type"] as? String == "track_start" }.count, 1)
    }

    func testBadSourcesGiveOneLineErrors() throws {
        let missing = directory.appendingPathComponent("nope.mjpeg").path
        for (source, expected) in [(missing, missing), ("/dev/null", "not a V4L2"), ("/dev/video77", "/dev/video77")] {
            let result = try FerLiveBinary.run([source, "--headless"])
            XCTAssertEqual(result.status, 1, "\(source): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n").filter { !$0.contains(" info ") && !$0.contains(" notice ") }
            XCTAssertEqual(lines.count, 1, "\(source): \(result.stderr)")
            XCTAssertTrue(lines.first?.contains(expected) ?? false, "\(source): \(result.stderr)")
            XCTAssertEqual(result.stdout, "")
        }
    }

    /// An emulated camera unplugged for 2 s mid-stream: the run survives, says so, and resumes.
    func testEmulatedCameraUnplugAndReplug() throws {
        let camera = try UnpluggableCamera(in: directory, frames: try DriftingFrames.twoPeople(2))
        let environment = camera.environment

        let devices = try Subprocess.run(FerLiveBinary.path, ["devices"], environment: environment)
        XCTAssertEqual(devices.status, 0, devices.stderr)
        XCTAssertTrue(devices.stdout.contains("Test Cam") && devices.stdout.contains("usb-Test_Cam-video-index0")
                      && devices.stdout.contains("640x480"), devices.stdout)

        DispatchQueue.global().asyncAfter(deadline: .now() + 2) {
            try? camera.setPlugged(false)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + 4) {
            try? camera.setPlugged(true)
        }
        let result = try Subprocess.run(FerLiveBinary.path, ["/dev/video0", "--headless", "--duration", "7",
                                                             "--stats-interval", "0"],
                                        environment: environment.merging(["OPENBLAS_NUM_THREADS": "1"]) { $1 })
        XCTAssertEqual(result.status, 0, result.stderr)
        let events = try events(result.stdout)
        let states = events.filter { $0["type"] as? String == "source" }.compactMap { $0["state"] as? String }
        XCTAssertEqual(states, ["streaming", "waiting", "streaming", "ended"], result.stdout)
        let waitingIndex = try XCTUnwrap(events.firstIndex { $0["state"] as? String == "waiting" })
        XCTAssertEqual(events[waitingIndex]["detail"] as? String, "waiting for /dev/video0: no such device")
        // The faces end with the camera (two tracks), not when it comes back.
        let resumedIndex = try XCTUnwrap(events.lastIndex { $0["state"] as? String == "streaming" })
        let lost = events[waitingIndex..<resumedIndex].filter { $0["type"] as? String == "track_end" }
        XCTAssertEqual(lost.count, 2, result.stdout)
        XCTAssertTrue(lost.allSatisfy { $0["reason"] as? String == "source_lost" }, "\(lost)")
        XCTAssertTrue(result.stderr.contains("camera back"), result.stderr)
        let frames = try XCTUnwrap(events.last?["frames"] as? Int)
        XCTAssertGreaterThan(frames, 90, "about 5 of the 7 s stream at 30 fps")
    }

    /// SIGTERM: capture stops, open tracks end, the final stats are written, exit 0 within 2 s.
    func testSIGTERMStopsCleanly() throws {
        let clip = try mjpeg(20)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FerLiveBinary.path)
        process.arguments = [clip, "--headless", "--realtime", "--loop", "--stats-interval", "0"]
        process.environment = ProcessInfo.processInfo.environment.merging(["OPENBLAS_NUM_THREADS": "1"]) { $1 }
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 2)
        let sent = Date()
        kill(process.processIdentifier, SIGTERM)
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(sent), 2)
        XCTAssertEqual(process.terminationStatus, 0)
        let events = try events(String(decoding: output, as: UTF8.self))
        XCTAssertEqual(events.filter { $0["type"] as? String == "track_end" }.count, 2)
        XCTAssertEqual(events.last?["type"] as? String, "stats")
        XCTAssertEqual(events.last?["final"] as? Bool, true)
    }

    /// Tracking on real footage that ships with the repository (the demo clip, 640x360, 105 frames, 25 fps):
    /// boxes tracked between detections every 5 frames stay on the per-frame detections and IDs stay stable.
    func testTrackingBenchOnTheDemoClip() throws {
        let clip = TestPaths.models.appendingPathComponent("demo/pedestrians.mjpeg").path
        let result = try FerLiveBinary.run(["bench", "tracking", clip, "--fps", "25", "--detect-every", "5",
                                            "--detector-width", "640", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["frames"] as? Int, 105)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(report["mean_iou"] as? Double), 0.7, result.stdout)
        XCTAssertLessThanOrEqual(try XCTUnwrap(report["id_switches"] as? Int), 2, result.stdout)
        let ids = try XCTUnwrap(report["track_ids"] as? Int), reference = try XCTUnwrap(report["reference_track_ids"] as? Int)
        XCTAssertLessThanOrEqual(ids, reference, "no more IDs than when detecting every frame")
        XCTAssertGreaterThanOrEqual(ids, reference - 4, result.stdout)
    }
}
