import Capture
import Foundation
import Imaging
import Pipeline
import TestSupport
import XCTest

/// A face whose smoothed top probability is below the threshold is `uncertain`, in the analysis and the events.
final class UncertainStateTests: XCTestCase {
    /// Every face state of 20 drifting two-people frames, analysed with `threshold`.
    private func faces(threshold: Float) throws -> (faces: [FaceState], changes: [EmotionChange]) {
        let analyzer = try PipelineFixtures.analyzer { $0.uncertainBelow = threshold; $0.classifyInterval = 0 }
        var faces: [FaceState] = [], changes: [EmotionChange] = []
        for (i, jpeg) in try PipelineFixtures.drifting(count: 20).enumerated() {
            let frame = YUVImage(rgb: try ImageCodec.decode(data: jpeg, as: .rgb8))
            let analysis = try analyzer.analyze(frame, sequence: i, time: Double(i) / 25)
            faces += analysis.faces
            changes += analysis.emotionChanges
        }
        return (faces, changes)
    }

    func testThresholdTurnsLowConfidenceLabelsIntoUncertain() throws {
        let never = try faces(threshold: 0)
        let classified = never.faces.compactMap(\.emotion)
        XCTAssertFalse(classified.isEmpty)
        XCTAssertTrue(classified.allSatisfy { !$0.isUncertain && $0.label == $0.topLabel })

        // Above every possible confidence: every classified face is uncertain, but keeps its top label.
        let always = try faces(threshold: 1)
        let unsure = always.faces.compactMap(\.emotion)
        XCTAssertEqual(unsure.count, classified.count)
        XCTAssertTrue(unsure.allSatisfy { $0.isUncertain && $0.label == "uncertain" })
        XCTAssertTrue(unsure.allSatisfy { $0.labels.contains($0.topLabel) })
        XCTAssertEqual(unsure.map(\.topLabel), classified.map(\.label), "the same faces, the same top labels")
        // No emotion event claims an emotion.
        XCTAssertFalse(always.changes.isEmpty)
        XCTAssertTrue(always.changes.allSatisfy { $0.emotion.label == "uncertain" })

        // In between: below the threshold always uncertain, 0.05 above it never; in the band between, a face
        // keeps the state it had (hysteresis), so the label does not flicker at the threshold.
        let middle = classified.map(\.confidence).sorted()[classified.count / 2]
        let some = try faces(threshold: middle).faces.compactMap(\.emotion)
        XCTAssertTrue(some.contains(where: \.isUncertain) && some.contains(where: { !$0.isUncertain }))
        for e in some where e.confidence < middle { XCTAssertTrue(e.isUncertain) }
        for e in some where e.confidence >= middle + 0.05 { XCTAssertFalse(e.isUncertain) }
    }

    func testHysteresisKeepsTheStateNearTheThreshold() throws {
        // The rule: uncertain below the threshold; once uncertain, until the threshold + 0.05.
        XCTAssertTrue(FrameAnalyzer.isUncertain(confidence: 0.49, threshold: 0.5, wasUncertain: nil))
        XCTAssertFalse(FrameAnalyzer.isUncertain(confidence: 0.52, threshold: 0.5, wasUncertain: nil))
        XCTAssertFalse(FrameAnalyzer.isUncertain(confidence: 0.52, threshold: 0.5, wasUncertain: false))
        XCTAssertTrue(FrameAnalyzer.isUncertain(confidence: 0.52, threshold: 0.5, wasUncertain: true), "held in the band")
        XCTAssertFalse(FrameAnalyzer.isUncertain(confidence: 0.55, threshold: 0.5, wasUncertain: true))
        XCTAssertFalse(FrameAnalyzer.isUncertain(confidence: 0.3, threshold: 0, wasUncertain: true), "0 turns it off")

        // On the clip, per track in time order: inside the band a face keeps the state it had.
        let all = try faces(threshold: 0).faces.compactMap(\.emotion?.confidence)
        let threshold = all.sorted()[all.count / 2]
        var last: [Int: Bool] = [:]
        for face in try faces(threshold: threshold).faces {
            guard let e = face.emotion else { continue }
            if let was = last[face.id], e.confidence >= threshold, e.confidence < threshold + 0.05 {
                XCTAssertEqual(e.isUncertain, was, "face \(face.id) changed state inside the band")
            }
            last[face.id] = e.isUncertain
        }
    }

    func testEventsSayWhetherTheFaceIsUncertain() throws {
        let encoder = EventEncoder(sourceName: "cam")
        let unsure = SmoothedEmotion(label: "uncertain", confidence: 0.41, labels: ["happy", "sad"],
                                     probabilities: [0.41, 0.59 - 0.18], topLabel: "sad")
        let line = encoder.encode(.emotion(EmotionChange(track: 2, previous: "happy", emotion: unsure), box: nil,
                                           frame: 9, time: 1.5))
        let e = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(e["emotion"] as? String, "uncertain")
        XCTAssertEqual(e["uncertain"] as? Bool, true)
        XCTAssertEqual(e["previous"] as? String, "happy")
        let sure = SmoothedEmotion(label: "happy", confidence: 0.9, labels: ["happy", "sad"], probabilities: [0.9, 0.1])
        let f = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(encoder.encode(
            .emotion(EmotionChange(track: 2, previous: nil, emotion: sure), box: nil, frame: 10, time: 1.6)).utf8))
            as? [String: Any])
        XCTAssertEqual(f["uncertain"] as? Bool, false)
    }
}
