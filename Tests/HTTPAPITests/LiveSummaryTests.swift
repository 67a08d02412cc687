import Capture
import Foundation
import HTTPAPI
import Imaging
import Pipeline
import XCTest

/// `/api/v1/summary`: the live page's last hour of face time per minute, fps and faces now.
final class LiveSummaryTests: XCTestCase {
    func testFaceTimeGoesIntoWallClockMinutesAndOldMinutesFallOff() {
        var recent = RecentFaceTime()
        let t0 = 1_764_000_000.0 // a whole minute
        recent.add(0.5, label: "happy", now: t0 + 10)
        recent.add(0.25, label: "happy", now: t0 + 59.9)
        recent.add(1, label: "sad", now: t0 + 60)
        var doc = recent.document(now: t0 + 61)
        XCTAssertEqual(doc.count, 60)
        XCTAssertEqual(doc[58].seconds, ["happy": 0.75])
        XCTAssertEqual(doc[59].seconds, ["sad": 1])
        XCTAssertEqual(doc[59].start, EventEncoder.iso8601(Date(timeIntervalSince1970: t0 + 60)))
        // An hour later the first minutes are gone, from the document and from memory.
        recent.add(2, label: "neutral", now: t0 + 3600)
        doc = recent.document(now: t0 + 3600)
        XCTAssertFalse(doc.contains { $0.seconds["happy"] != nil })
        XCTAssertEqual(doc.last?.seconds, ["neutral": 2])
        XCTAssertEqual(doc.first(where: { !$0.seconds.isEmpty })?.seconds, ["sad": 1], "59 minutes ago is kept")
    }

    func testLiveStateCountsFaceTimeBetweenFramesAndFPS() throws {
        let wall = 1_764_000_000.0
        let state = LiveState(sourceName: "cam", wallClock: { wall + 5 })
        let luma = try Image(width: 16, height: 16, format: .gray8, pixels: [UInt8](repeating: 0, count: 256))
        let yuv = try YUVImage(luma: luma, cb: [UInt8](repeating: 128, count: 64), cr: [UInt8](repeating: 128, count: 64),
                               chromaWidth: 8, chromaHeight: 8, range: .full)
        let happy = SmoothedEmotion(label: "happy", confidence: 0.8, labels: ["happy", "sad"], probabilities: [0.8, 0.2])
        let face = FaceState(id: 1, box: Rect(x: 0, y: 0, width: 8, height: 8), landmarks: nil, emotion: happy,
                             prediction: nil, age: 0)
        for i in 0..<11 { // 10 intervals of 0.1 s: 1 face-second at 10 fps
            let analysis = FrameAnalysis(sequence: i, time: Double(i) * 0.1, detected: true, faces: [face], started: [],
                                         ended: [], emotionChanges: [], timings: StageTimings())
            state.handle(FrameResult(frame: yuv, analysis: analysis, latency: 0.01, fps: 10, dropped: 0))
        }
        let summary = state.summary()
        XCTAssertEqual(summary.faces, 1)
        XCTAssertEqual(summary.fps ?? 0, 10, accuracy: 0.05)
        XCTAssertEqual(summary.lastHour.last?.seconds["happy"] ?? 0, 1, accuracy: 1e-6)
        XCTAssertEqual(summary.colors["happy"], "#ffc800")
        XCTAssertEqual(summary.colors["uncertain"], "#9e9e9e")
        XCTAssertFalse(summary.snapshots)
    }
}
