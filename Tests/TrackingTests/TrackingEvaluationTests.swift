import Detection
import Imaging
import Tracking
import XCTest

/// The scoring of tracked boxes against per-frame detections, on hand-made data.
final class TrackingEvaluationTests: XCTestCase {
    private func face(_ id: Int, _ box: Rect) -> TrackedFace {
        TrackedFace(id: id, box: box, landmarks: nil, isConfirmed: true, firstSeen: 0, lastDetected: 0,
                    detectionScore: 1, trackingConfidence: 1)
    }

    func testMeanIoUCountsMissesAsZeroAndRecallSeparately() {
        let a = Rect(x: 0, y: 0, width: 10, height: 10), b = Rect(x: 100, y: 0, width: 10, height: 10)
        let reference: [[Rect]] = [[a, b], [a, b], [a]]
        let tracked: [[TrackedFace]] = [
            [face(1, a), face(2, b)],                                // both exact
            [face(1, a.offsetBy(dx: 5, dy: 0))],                     // a at IoU 1/3, b missed
            [face(1, a), face(2, b.offsetBy(dx: 300, dy: 0))],       // an extra box far away
        ]
        let report = TrackingEvaluation.compare(reference: reference, tracked: tracked)
        XCTAssertEqual(report.frames, 3)
        XCTAssertEqual(report.detections, 5)
        XCTAssertEqual(report.matched, 4)
        XCTAssertEqual(report.extraBoxes, 1)
        let third: Double = 1.0 / 3
        let sum: Double = 3 + third
        XCTAssertEqual(report.meanIoU, sum / 5, accuracy: 1e-6)
        XCTAssertEqual(report.meanMatchedIoU, sum / 4, accuracy: 1e-6)
        XCTAssertEqual(report.recall, 3.0 / 5, accuracy: 1e-9, "IoU 1/3 is below the 0.5 recall bar")
        XCTAssertEqual(report.trackIDs, 2)
        XCTAssertEqual(report.maxFacesInFrame, 2)
    }

    func testOneTrackedBoxCoversOnlyOneDetection() {
        let a = Rect(x: 0, y: 0, width: 10, height: 10), near = Rect(x: 2, y: 0, width: 10, height: 10)
        let report = TrackingEvaluation.compare(reference: [[a, near]], tracked: [[face(1, a)]])
        XCTAssertEqual(report.matched, 1)
        XCTAssertEqual(report.meanIoU, 0.5, accuracy: 1e-6)
    }

    func testIdentitySwitchesAreCountedWhenAFaceChangesID() {
        let a = Rect(x: 0, y: 0, width: 10, height: 10), b = Rect(x: 50, y: 0, width: 10, height: 10)
        let reference = [[face(1, a), face(2, b)], [face(1, a), face(2, b)], [face(1, a), face(2, b)], [face(1, a)]]
        let tracked = [[face(7, a), face(8, b)], [face(8, a), face(7, b)], [face(8, a)], [face(8, a)]]
        // Frame 1 swaps both ids (2 switches); b's absence in frame 2 and 3 is not a switch.
        XCTAssertEqual(TrackingEvaluation.identitySwitches(reference: reference, tracked: tracked), 2)
        XCTAssertEqual(TrackingEvaluation.identitySwitches(reference: reference, tracked: reference), 0)
    }

    func testRunDetectingEveryFrameReproducesTheDetections() throws {
        let scene = SyntheticScene()
        let texture = Texture(width: 80, height: 96, seed: 3)
        let box = { (i: Int) in Rect(x: 100 + 4 * Float(i), y: 120, width: 80, height: 96) }
        let frames = (0..<12).map { scene.render([(texture, box($0))]) }
        let every = try TrackingEvaluation.run(frameCount: 12, detectEvery: 1, frame: { (frames[$0], Double($0) / 25) },
                                               detections: { [DetectedFace(box: box($0), score: 0.95)] })
        XCTAssertEqual(every.meanIoU, 1, accuracy: 1e-6)
        XCTAssertEqual(every.trackIDs, 1)
        XCTAssertEqual(every.referenceTrackIDs, 1)
        XCTAssertGreaterThan(every.trackedFaceFrames, 0)
        let sparse = try TrackingEvaluation.run(frameCount: 12, detectEvery: 4, frame: { (frames[$0], Double($0) / 25) },
                                                detections: { [DetectedFace(box: box($0), score: 0.95)] })
        XCTAssertEqual(sparse.detectEvery, 4)
        XCTAssertGreaterThan(sparse.meanIoU, 0.95, "the visual tracker follows the patch between detections")
        XCTAssertEqual(sparse.trackIDs, 1)
        XCTAssertEqual(sparse.idSwitches, 0)
    }
}
