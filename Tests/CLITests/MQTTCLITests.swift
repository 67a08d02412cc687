import Foundation
import TestSupport
import XCTest

/// `fer-live --mqtt` on the demo clip against a real Mosquitto broker: every event arrives, the last will fires
/// on SIGKILL, an unreachable broker is one warning and a retry, never an exit.
final class MQTTCLITests: XCTestCase {
    private let clip = TestPaths.models.appendingPathComponent("demo/pedestrians.mjpeg").path

    override func setUpWithError() throws {
        if MosquittoBroker.path == nil { throw XCTSkip(MosquittoBroker.missing) }
    }

    func testEveryEventOfTheClipArrivesInOrder() throws {
        let broker = try MosquittoBroker()
        let sub = try MosquittoSubscriber(port: broker.port, topics: ["fer-live/#", "homeassistant/#"])
        try sub.waitUntilSubscribed(port: broker.port)
        let events = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: events) }
        let run = try FerLiveBinary.run([clip, "--headless", "--events", events, "--mqtt", "mqtt://127.0.0.1:\(broker.port)",
                                         "--camera-name", "entrance"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let logged = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { ["track_start", "emotion", "track_end"].contains($0["type"] as? String) }
        XCTAssertGreaterThan(logged.count, 10)
        let seen = sub.wait { m in m.last?.topic == "fer-live/available" && m.last?.payload == "offline" }
        let published = seen.filter { $0.topic == "fer-live/entrance/events" }.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.payload.utf8)) as? [String: Any]
        }
        XCTAssertEqual(published.count, logged.count, "one MQTT event per track_start, emotion and track_end")
        // Same order, same tracks: new ↔ track_start, update ↔ emotion, end ↔ track_end.
        let kinds = ["track_start": "new", "emotion": "update", "track_end": "end"]
        XCTAssertEqual(published.map { $0["type"] as? String }, logged.map { kinds[$0["type"] as! String] })
        XCTAssertEqual(published.map { ($0["after"] as? [String: Any])?["track"] as? Int }, logged.map { $0["track"] as? Int })
        XCTAssertTrue(seen.contains { $0.topic == "homeassistant/sensor/fer-live_entrance/faces/config" })
        XCTAssertTrue(seen.contains { $0.topic == "fer-live/entrance/stats" }, "the final stats")
        let state = try XCTUnwrap(seen.last { $0.topic == "fer-live/entrance/state" })
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(state.payload.utf8)) as? [String: Any])?["faces"] as? Int, 0,
                       "every track ended")
    }

    func testTheLastWillSaysOfflineWhenKilled() throws {
        let broker = try MosquittoBroker()
        let sub = try MosquittoSubscriber(port: broker.port, topics: ["fer-live/available", "fer-live/probe"])
        try sub.waitUntilSubscribed(port: broker.port)
        let (process, port, _) = try DemoClipServer.launch(["--mqtt", "mqtt://127.0.0.1:\(broker.port)", "--mqtt-keepalive", "5"])
        sub.wait { $0.contains { $0.topic == "fer-live/available" && $0.payload == "online" } }
        let metrics = try HTTPTestClient.get(port: port, path: "/metrics").text
        XCTAssertTrue(metrics.contains("fer_live_mqtt_connected 1"), metrics)
        for name in ["fer_live_mqtt_sent_total", "fer_live_mqtt_dropped_total 0", "fer_live_mqtt_queued"] {
            XCTAssertTrue(metrics.contains(name), "\(name) in /metrics")
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let seen = sub.wait(timeout: 15) { $0.last?.topic == "fer-live/available" && $0.last?.payload == "offline" }
        XCTAssertEqual(seen.filter { $0.topic == "fer-live/available" }.map(\.payload), ["online", "offline"])
    }

    func testAnUnreachableBrokerIsOneWarningNotAnExit() throws {
        let port = freeLoopbackPort()
        let run = try FerLiveBinary.run([clip, "--headless", "--events", "/dev/null", "--mqtt", "mqtt://127.0.0.1:\(port)"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let warnings = run.stderr.split(separator: "\n").filter { $0.contains("not reachable") }
        XCTAssertEqual(warnings.count, 1, run.stderr)
        XCTAssertTrue(warnings.first?.contains("127.0.0.1:\(port)") == true, run.stderr)
        XCTAssertTrue(run.stderr.contains("messages not delivered at shutdown"), run.stderr)

        let bad = try FerLiveBinary.run([clip, "--headless", "--mqtt", "mqtt://user:pw@127.0.0.1:\(port)"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("no user or password in the URL"), bad.stderr)
        XCTAssertFalse(bad.stderr.contains("pw@"), "credentials are never echoed")
    }
}
