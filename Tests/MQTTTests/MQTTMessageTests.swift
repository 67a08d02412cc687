import Classification
import Foundation
import Imaging
import MQTT
import Pipeline
import XCTest

/// The messages' shapes: Frigate's events, the retained state, Home Assistant discovery, and the settings.
final class MQTTMessageTests: XCTestCase {
    private func json(_ message: MQTTMessage) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(message.payload.utf8)) as? [String: Any])
    }

    private func face(_ id: Int) -> FaceState {
        FaceState(id: id, box: Rect(x: 10, y: 20, width: 30, height: 40), landmarks: nil, emotion: nil, prediction: nil, age: 0)
    }

    private func change(_ track: Int, _ label: String, _ confidence: Float, previous: String? = nil) -> EmotionChange {
        EmotionChange(track: track, previous: previous,
                      emotion: SmoothedEmotion(label: label, confidence: confidence, labels: ["happy", "sad"],
                                               probabilities: label == "happy" ? [confidence, 1 - confidence] : [1 - confidence, confidence]))
    }

    func testATracksLifeIsNewUpdateEndWithBeforeAndAfter() throws {
        var book = FrigateMessages(prefix: "fer-live", camera: "door")
        let new = book.messages(for: .trackStart(face(7), frame: 1, time: 0.1), now: 1000)
        XCTAssertEqual(new.map(\.topic), ["fer-live/door/events", "fer-live/door/state"])
        let n = try json(new[0])
        XCTAssertEqual(n["type"] as? String, "new")
        let after = try XCTUnwrap(n["after"] as? [String: Any])
        XCTAssertEqual(after["label"] as? String, "face")
        XCTAssertEqual(after["camera"] as? String, "door")
        XCTAssertEqual(after["box"] as? [Double], [10, 20, 40, 60])
        XCTAssertEqual(after["start_time"] as? Double, 1000)
        XCTAssertTrue(after["sub_label"] is NSNull)

        let update = book.messages(for: .emotion(change(7, "happy", 0.8), box: nil, frame: 5, time: 0.5), now: 1000.5)
        let u = try json(update[0])
        XCTAssertEqual(u["type"] as? String, "update")
        XCTAssertTrue((u["before"] as? [String: Any])?["sub_label"] is NSNull)
        let ua = try XCTUnwrap(u["after"] as? [String: Any])
        XCTAssertEqual((ua["sub_label"] as? [Any])?.first as? String, "happy")
        XCTAssertEqual((ua["sub_label"] as? [Any])?.last as? Double, 0.8)
        XCTAssertEqual(ua["top_score"] as? Double, 0.8)
        XCTAssertEqual((ua["probabilities"] as? [String: Double])?["sad"] ?? 0, 0.2, accuracy: 1e-6)
        XCTAssertEqual(ua["id"] as? String, after["id"] as? String, "one id for the whole track")
        XCTAssertTrue(update[1].retain)
        XCTAssertEqual(try json(update[1])["dominant_emotion"] as? String, "happy")
        XCTAssertEqual(try json(update[1])["faces"] as? Int, 1)

        _ = book.messages(for: .emotion(change(7, "sad", 0.6, previous: "happy"), box: nil, frame: 9, time: 0.9), now: 1001)
        let end = book.messages(for: .trackEnd(TrackSummary(track: 7, firstSeen: 0.1, lastSeen: 2.1, reason: "lost",
                                                              emotionShare: ["happy": 0.3, "sad": 0.7], meanConfidence: 0.7,
                                                              dominantEmotion: "sad"), time: 2.2), now: 1002)
        let e = try json(end[0])
        XCTAssertEqual(e["type"] as? String, "end")
        let ea = try XCTUnwrap(e["after"] as? [String: Any])
        XCTAssertEqual(ea["end_time"] as? Double, 1002)
        XCTAssertEqual(ea["top_score"] as? Double, 0.8, "the best score over the track")
        XCTAssertEqual(ea["dwell_seconds"] as? Double, 2)
        XCTAssertEqual(try json(end[1])["faces"] as? Int, 0)
        XCTAssertTrue(try json(end[1])["dominant_emotion"] is NSNull)
        XCTAssertEqual(book.messages(for: .trackEnd(TrackSummary(track: 7, firstSeen: 0, lastSeen: 1, reason: "lost",
                                                                  emotionShare: [:], meanConfidence: nil, dominantEmotion: nil),
                                                    time: 3), now: 1003), [], "an unknown track says nothing")
    }

    func testDiscoveryConfigsHaveWhatHomeAssistantRequires() throws {
        let settings = MQTTSettings(host: "h", port: 1883, clientID: "c", camera: "door")
        let configs = HomeAssistantDiscovery.messages(settings)
        XCTAssertEqual(configs.map(\.topic), ["homeassistant/sensor/fer-live_door/faces/config",
                                              "homeassistant/sensor/fer-live_door/dominant_emotion/config"])
        for message in configs {
            XCTAssertTrue(message.retain)
            let c = try json(message)
            for key in ["name", "unique_id", "state_topic", "value_template", "availability_topic", "device"] {
                XCTAssertNotNil(c[key], "\(key) in \(message.topic)")
            }
            XCTAssertEqual(c["state_topic"] as? String, "fer-live/door/state")
            XCTAssertEqual(c["availability_topic"] as? String, "fer-live/available")
            XCTAssertEqual((c["device"] as? [String: Any])?["identifiers"] as? [String], ["fer-live_door"])
        }
    }

    func testSettings() throws {
        XCTAssertTrue(try MQTTSettings.parse(url: "mqtt://broker.lan") == ("broker.lan", 1883, false))
        XCTAssertTrue(try MQTTSettings.parse(url: "mqtts://broker.lan:8884") == ("broker.lan", 8884, true))
        XCTAssertThrowsError(try MQTTSettings.parse(url: "mqtt://bob:secret@broker.lan")) {
            XCTAssertTrue("\($0)".contains("no user or password in the URL"), "\($0)")
            XCTAssertFalse("\($0)".contains("secret"))
        }
        XCTAssertThrowsError(try MQTTSettings.parse(url: "http://broker.lan"))
        XCTAssertEqual(MQTTSettings.topicName("/dev/video0"), "video0")
        XCTAssertEqual(MQTTSettings.topicName("front door+#"), "front_door__")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cred-\(UUID().uuidString)")
        try "alice:s3cret:x\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        XCTAssertTrue(try MQTTSettings.credentials(file: file.path, environment: [:])! == ("alice", "s3cret:x"))
        XCTAssertTrue(try MQTTSettings.credentials(file: nil, environment: ["FER_LIVE_MQTT_USER": "bob",
                                                                            "FER_LIVE_MQTT_PASSWORD": "pw"])! == ("bob", "pw"))
        XCTAssertNil(try MQTTSettings.credentials(file: nil, environment: [:]))
    }
}
