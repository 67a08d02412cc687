import Capture
import Classification
import Foundation
import Imaging
import Pipeline
import TestSupport
import XCTest

/// The JSON Lines schema documented in the README: every event type, its fields and their types.
final class EventSchemaTests: XCTestCase {
    private func object(_ line: String, file: StaticString = #filePath, line l: UInt = #line) throws -> [String: Any] {
        XCTAssertFalse(line.contains("\n"), file: file, line: l)
        let json = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try XCTUnwrap(json as? [String: Any], file: file, line: l)
    }

    private let encoder = EventEncoder(sourceName: "/dev/video0")
    private let emotion = SmoothedEmotion(label: "happy", confidence: 0.87, labels: ["happy", "sad"],
                                          probabilities: [0.87, 0.13])

    func testTimestampsAreISO8601UTCWithMilliseconds() {
        XCTAssertEqual(EventEncoder.iso8601(Date(timeIntervalSince1970: 1_795_000_000.1234)), "2026-11-18T11:06:40.123Z")
        XCTAssertEqual(EventEncoder.iso8601(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00.000Z")
    }

    func testTrackStartAndEmotionEvents() throws {
        let face = FaceState(id: 3, box: Rect(x: 10, y: 20.25, width: 100, height: 120), landmarks: nil,
                             emotion: emotion, prediction: nil, age: 0)
        let start = try object(encoder.encode(.trackStart(face, frame: 12, time: 0.4)))
        XCTAssertEqual(start["type"] as? String, "track_start")
        XCTAssertEqual(start["source"] as? String, "/dev/video0")
        XCTAssertEqual(start["track"] as? Int, 3)
        XCTAssertEqual(start["frame"] as? Int, 12)
        XCTAssertEqual((start["box"] as? [String: Double])?["y"], 20.3)
        XCTAssertNotNil((start["time"] as? String)?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#,
                                                          options: .regularExpression))
        let line = encoder.encode(.emotion(EmotionChange(track: 3, previous: nil, emotion: emotion), box: face,
                                           frame: 13, time: 0.43))
        XCTAssertTrue(line.hasPrefix(#"{"type":"emotion","time":""#), "type first, then time: \(line)")
        let e = try object(line)
        XCTAssertEqual(e["emotion"] as? String, "happy")
        XCTAssertEqual(e["confidence"] as? Double, 0.87)
        XCTAssertTrue(e["previous"] is NSNull)
        XCTAssertEqual((e["probabilities"] as? [String: Double])?["sad"], 0.13)
    }

    func testTrackEndAndStatsEvents() throws {
        let summary = TrackSummary(track: 4, firstSeen: 1, lastSeen: 13.5, reason: "lost",
                                   emotionShare: ["happy": 0.75, "neutral": 0.25], meanConfidence: 0.6,
                                   dominantEmotion: "happy")
        let end = try object(encoder.encode(.trackEnd(summary, time: 14.5)))
        XCTAssertEqual(end["type"] as? String, "track_end")
        XCTAssertEqual(end["dwell_seconds"] as? Double, 12.5)
        XCTAssertEqual(end["dominant_emotion"] as? String, "happy")
        XCTAssertEqual((end["emotion_share"] as? [String: Double])?["neutral"], 0.25)
        XCTAssertEqual(end["mean_confidence"] as? Double, 0.6)
        XCTAssertEqual(end["reason"] as? String, "lost")

        let stats = PipelineStatistics()
        for i in 0..<10 {
            stats.frameCaptured()
            stats.frameAnalyzed(latency: Double(i), faces: 2, timings: StageTimings(), detected: i % 5 == 0)
        }
        stats.framesDropped(1)
        for _ in 0..<3 { stats.eventPublished() }
        let s = try object(encoder.encode(.stats(stats.takeInterval(), final: false, time: nil)))
        XCTAssertEqual(s["type"] as? String, "stats")
        XCTAssertEqual(s["frames"] as? Int, 10)
        XCTAssertEqual(s["dropped"] as? Int, 1)
        XCTAssertEqual(s["faces"] as? Int, 2)
        XCTAssertEqual(s["events"] as? Int, 3)
        XCTAssertEqual((s["latency_ms"] as? [String: Double])?["p99"], 9)
        XCTAssertNotNil(s["cpu_percent"] as? Double ?? (s["cpu_percent"] as? Int).map(Double.init))
        XCTAssertGreaterThan((s["rss_mb"] as? Double) ?? 0, 1)
        XCTAssertNil(s["final"])
    }

    func testSourceStateEventsAndEscaping() throws {
        let e = try object(EventEncoder(sourceName: "a \"quoted\"\nname").encode(
            .source(.waiting(reason: "waiting for /dev/video0: no such device"), time: nil)))
        XCTAssertEqual(e["source"] as? String, "a \"quoted\"\nname")
        XCTAssertEqual(e["state"] as? String, "waiting")
        XCTAssertEqual(e["detail"] as? String, "waiting for /dev/video0: no such device")
    }

    func testPerFrameCSVHasOneRowPerFrameAndFace() throws {
        let dir = try TestPaths.temporaryDirectory()
        let path = dir.appendingPathComponent("rows.csv").path
        let writer = try PerFrameWriter(path: path, labels: ["happy", "sad"])
        let prediction = EmotionPrediction(labels: ["happy", "sad"], probabilities: [0.9, 0.1])
        func face(_ id: Int, classified: Bool) -> FaceState {
            FaceState(id: id, box: Rect(x: 1, y: 2, width: 3, height: 4), landmarks: nil, emotion: emotion,
                      prediction: classified ? prediction : nil, age: 0)
        }
        writer.write(FrameAnalysis(sequence: 0, time: 0, detected: true, faces: [face(1, classified: true), face(2, classified: false)],
                                   started: [], ended: [], emotionChanges: [], timings: StageTimings()))
        writer.write(FrameAnalysis(sequence: 1, time: 0.033, detected: false, faces: [face(1, classified: false)],
                                   started: [], ended: [], emotionChanges: [], timings: StageTimings()))
        writer.flush()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "frame,t,track,x,y,width,height,emotion,confidence,classified,happy,sad")
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(lines[1], "0,0.0,1,1.0,2.0,3.0,4.0,happy,0.87,1,0.9,0.1")
        XCTAssertEqual(lines[2], "0,0.0,2,1.0,2.0,3.0,4.0,happy,0.87,0,,", "not yet classified: empty probabilities")
        XCTAssertEqual(lines[3], "1,0.033,1,1.0,2.0,3.0,4.0,happy,0.87,0,0.9,0.1", "carries the latest classification")
    }
}
