import Capture
import Foundation
import Imaging
import Pipeline
import TestSupport
import XCTest

final class LivePipelineTests: XCTestCase {
    /// A file-like source: every frame analysed, two stable tracks, emotion events, track ends, final stats.
    func testFileSourceGivesTracksEmotionsAndAFinalSummary() throws {
        var frames = try PipelineFixtures.drifting(count: 45)
        frames[20] = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5]  // a corrupt frame in the stream
        let sink = RecordingSink()
        let pipeline = try LivePipeline(source: ArraySource(jpegs: frames), analyzer: try PipelineFixtures.analyzer(),
                                    eventSinks: [sink], logger: PipelineFixtures.logger)
        let totals = pipeline.run()

        XCTAssertEqual(totals.framesCaptured, 45)
        XCTAssertEqual(totals.framesAnalyzed, 44)
        XCTAssertEqual(totals.framesSkipped, 1, "the corrupt frame is skipped and counted")
        XCTAssertEqual(totals.framesDropped, 0, "a file is never dropped")

        let events = sink.events
        let starts = events.compactMap { e -> FaceState? in if case .trackStart(let f, _, _) = e { return f }; return nil }
        let ends = events.compactMap { e -> TrackSummary? in if case .trackEnd(let s, _) = e { return s }; return nil }
        let changes = events.compactMap { e -> EmotionChange? in if case .emotion(let c, _, _, _) = e { return c }; return nil }
        XCTAssertEqual(starts.count, 2, "two faces, two tracks, no ID churn")
        XCTAssertEqual(Set(ends.map(\.track)), Set(starts.map(\.id)))
        XCTAssertTrue(ends.allSatisfy { $0.reason == "end_of_stream" || $0.dwell > 1 }, "\(ends)")
        for end in ends {
            XCTAssertGreaterThan(end.dwell, 1.0)
            XCTAssertEqual(end.emotionShare.values.reduce(0, +), 1, accuracy: 0.01)
            XCTAssertNotNil(end.dominantEmotion)
        }
        XCTAssertGreaterThanOrEqual(changes.count, 2, "each track reports its first label")
        XCTAssertLessThanOrEqual(changes.count, 6, "labels must not flicker: \(changes.map(\.emotion.label))")
        guard case .stats(let final, true, _)? = events.last else { return XCTFail("last event must be the final stats") }
        XCTAssertEqual(final.framesAnalyzed, 44)
        XCTAssertEqual(final.eventsPublished, events.count - 1, "the final stats count every event before them")
    }

    /// A live source faster than the analysis: the oldest frames are dropped and every frame is accounted for.
    func testLiveSourceDropsInsteadOfQueueing() throws {
        let frames = Array(repeating: try PipelineFixtures.drifting(count: 1)[0], count: 120)
        let pipeline = try LivePipeline(source: ArraySource(jpegs: frames, isLive: true),
                                    analyzer: try PipelineFixtures.analyzer { $0.detectEvery = 1 },
                                    eventSinks: [], logger: PipelineFixtures.logger)
        let totals = pipeline.run()
        XCTAssertEqual(totals.framesCaptured, 120)
        XCTAssertGreaterThan(totals.framesDropped, 0, "capture outruns detection on every frame")
        XCTAssertEqual(totals.framesAnalyzed + totals.framesDropped + totals.framesSkipped, 120)
    }

    /// stop() from another thread ends a run promptly and still closes the open tracks.
    func testStopEndsTheRunAndClosesTracks() throws {
        let frames = try PipelineFixtures.drifting(count: 10)
        // Far more frames than a fast machine analyses in the 0.5 s before stop() (about 850 a second).
        let source = ArraySource(jpegs: Array((0..<5000).map { frames[$0 % 10] }))
        let sink = RecordingSink()
        let pipeline = try LivePipeline(source: source, analyzer: try PipelineFixtures.analyzer(), eventSinks: [sink],
                                    logger: PipelineFixtures.logger)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { pipeline.stop() }
        let started = Date()
        let totals = pipeline.run()
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        XCTAssertLessThan(totals.framesCaptured, 5000)
        let ends = sink.events.filter { if case .trackEnd = $0 { return true }; return false }
        XCTAssertEqual(ends.count, 2)
    }
}
