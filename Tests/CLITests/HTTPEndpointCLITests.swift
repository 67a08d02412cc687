import Foundation
import TestSupport
import XCTest

/// `fer-live --http`: the binary on the demo clip serves metrics, health, tracks, events and (when allowed) snapshots.
final class HTTPEndpointCLITests: XCTestCase {
    func testEndpointOnTheDemoClip() throws {
        let (process, port, _) = try DemoClipServer.launch([])
        defer { if process.isRunning { DemoClipServer.stop(process) } }

        let health = try HTTPTestClient.get(port: port, path: "/healthz")
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(health.body)) as? [String: Any])
        XCTAssertEqual(report["status"] as? String, "ok", health.text)
        XCTAssertEqual(report["source"] as? String, "streaming", health.text)

        // Wait for the first tracks (the clip has 5-10 faces; tracks are confirmed after a few frames).
        var tracks: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(15)
        while tracks.isEmpty && Date() < deadline {
            let doc = try HTTPTestClient.get(port: port, path: "/api/v1/tracks")
            XCTAssertEqual(doc.status, 200)
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(doc.body)) as? [String: Any])
            tracks = json["tracks"] as? [[String: Any]] ?? []
            if tracks.isEmpty { Thread.sleep(forTimeInterval: 0.3) }
        }
        XCTAssertFalse(tracks.isEmpty, "no tracks on the demo clip")
        if let first = tracks.first {
            XCTAssertNotNil(first["id"] as? Int)
            XCTAssertNotNil(first["box"] as? [String: Any])
        }

        let events = try HTTPTestClient(port: port, path: "/api/v1/events")
        XCTAssertEqual(try events.readHead().0, 200)
        // Tracks start, end and change emotion often on the looping clip; stats come every 10 s at the latest.
        let lines = try events.readLines(2) { $0.hasPrefix("{") }
        for line in lines {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertNotNil(object["type"] as? String, line)
            XCTAssertTrue((object["source"] as? String)?.hasSuffix("pedestrians.mjpeg") == true, line)
        }

        let metrics = try HTTPTestClient.get(port: port, path: "/metrics")
        XCTAssertEqual(metrics.status, 200)
        let analyzed = metrics.text.split(separator: "\n").first { $0.hasPrefix("fer_live_frames_analyzed_total ") }
        XCTAssertGreaterThan(Double(analyzed?.split(separator: " ").last ?? "") ?? 0, 0, metrics.text)
        XCTAssertTrue(metrics.text.contains("fer_live_tracks_started_total"), metrics.text)
        if let check = try promtoolCheckMetrics(metrics.text) {
            XCTAssertEqual(check.status, 0, "promtool:\n\(check.stdout)\(check.stderr)")
        }

        XCTAssertEqual(try HTTPTestClient.get(port: port, path: "/snapshot.jpg").status, 404)

        let sent = Date()
        DemoClipServer.stop(process)
        XCTAssertLessThan(Date().timeIntervalSince(sent), 5)
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(process.terminationReason, .exit)
    }

    func testSnapshotWithAllowSnapshots() throws {
        let (process, port, _) = try DemoClipServer.launch(["--allow-snapshots"])
        defer { if process.isRunning { DemoClipServer.stop(process) } }
        let shot = try HTTPTestClient.get(port: port, path: "/snapshot.jpg")
        XCTAssertEqual(shot.status, 200)
        XCTAssertEqual(shot.headers["content-type"], "image/jpeg")
        XCTAssertEqual(Array(shot.body.prefix(2)), [0xFF, 0xD8])
        XCTAssertGreaterThan(shot.body.count, 5000)
        DemoClipServer.stop(process)
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testBadAddressIsAOneLineError() throws {
        let result = try FerLiveBinary.run(["--headless", "--http", "localhost"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--http 'localhost': expected HOST:PORT"), result.stderr)
        let snapshots = try FerLiveBinary.run(["--headless", "--allow-snapshots"])
        XCTAssertNotEqual(snapshots.status, 0)
        XCTAssertTrue(snapshots.stderr.contains("--allow-snapshots needs --http"), snapshots.stderr)
    }
}

/// `POST /api/v1/analyze` on the running binary: faces of a posted photo, one clear 4xx per bad input.
final class AnalyzeEndpointCLITests: XCTestCase {
    func testAPhotoWithTwoFacesAndEveryBadInput() throws {
        let (process, port, _) = try DemoClipServer.launch(["--analyze-max-bytes", "600000"])
        defer { if process.isRunning { DemoClipServer.stop(process) } }
        let photo = try [UInt8](Data(contentsOf: TestPaths.fixtures.appendingPathComponent("two_people.jpg")))
        XCTAssertLessThan(photo.count, 600_000)
        let ok = try HTTPTestClient.post(port: port, path: "/api/v1/analyze", body: photo,
                                         headers: ["Content-Type": "image/jpeg"])
        XCTAssertEqual(ok.status, 200, ok.text)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ok.body)) as? [String: Any])
        let faces = try XCTUnwrap(report["faces"] as? [[String: Any]])
        XCTAssertEqual(faces.count, 2, ok.text)
        for face in faces {
            XCTAssertNotNil(face["emotion"] as? String)
            XCTAssertEqual((face["probabilities"] as? [String: Double])?.count, 7)
        }
        // The same answer as `fer-live image --json` on the file.
        let cli = try FerLiveBinary.run(["image", "--json", TestPaths.fixtures.appendingPathComponent("two_people.jpg").path])
        let cliFaces = ((try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [[String: Any]])?.first?["faces"]
            as? [[String: Any]]) ?? []
        XCTAssertEqual(faces.map { $0["emotion"] as? String }, cliFaces.map { $0["emotion"] as? String })

        func error(_ r: HTTPTestClient.Response) -> String {
            ((try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: String])?["error"] ?? r.text
        }
        let empty = try HTTPTestClient.post(port: port, path: "/api/v1/analyze", body: [])
        XCTAssertEqual(empty.status, 400, empty.text)
        let text = try HTTPTestClient.post(port: port, path: "/api/v1/analyze", body: Array("hello, not an image".utf8))
        XCTAssertEqual(text.status, 415, text.text)
        XCTAssertEqual(error(text), "not a JPEG or PNG image")
        // A JPEG's first marker, then noise.
        let noise = (0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let corrupt = try HTTPTestClient.post(port: port, path: "/api/v1/analyze", body: Array(photo.prefix(4)) + noise)
        XCTAssertEqual(corrupt.status, 422, corrupt.text)
        XCTAssertTrue(error(corrupt).hasPrefix("cannot decode the image"), corrupt.text)
        let large = try HTTPTestClient.post(port: port, path: "/api/v1/analyze", body: photo + [UInt8](repeating: 0, count: 200_000))
        XCTAssertEqual(large.status, 413, large.text)
        XCTAssertTrue(process.isRunning, "bad input never stops the service")
    }
}
