import Detection
import Imaging
import Tracking
import XCTest

/// The tracker on synthetic scenes: textured "faces" moved by known amounts over a textured background.
final class FaceTrackerTests: XCTestCase {
    private let scene = SyntheticScene()
    private let faceA = Texture(width: 80, height: 96, seed: 1)
    private let faceB = Texture(width: 80, height: 96, seed: 2)
    private let fps = 25.0

    private func detection(_ box: Rect, score: Float = 0.95, landmarks: FaceLandmarks? = nil) -> DetectedFace {
        DetectedFace(box: box, score: score, landmarks: landmarks)
    }

    private func assertClose(_ a: Rect, _ b: Rect, within pixels: Float, _ message: String = "",
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThanOrEqual(a.center.distance(to: b.center), pixels, "\(a) vs \(b) \(message)", file: file, line: line)
    }

    // MARK: - Visual tracking

    func testFollowsATranslatedPatchWithinAPixelWithoutDetections() throws {
        var options = FaceTracker.Options()
        options.maxLostTime = 5  // no detections at all here
        let tracker = try FaceTracker(options: options)
        var truth = Rect(x: 120, y: 150, width: 80, height: 96)
        let first = tracker.update(frame: scene.render([(faceA, truth)]), time: 0, detections: [detection(truth)])
        XCTAssertEqual(first.faces.map(\.id), [1])
        var worst: Float = 0
        // Irregular motion: a constant velocity with a sub-pixel part, then a change of direction.
        for i in 1..<40 {
            let step: (Float, Float) = i < 20 ? (3.3, -1.7) : (-2.6, 2.2)
            truth = truth.offsetBy(dx: step.0, dy: step.1)
            let result = tracker.track(frame: scene.render([(faceA, truth)]), time: Double(i) / fps)
            let face = try XCTUnwrap(result.faces.first, "frame \(i)")
            XCTAssertEqual(face.id, 1)
            worst = max(worst, face.box.center.distance(to: truth.center))
            XCTAssertGreaterThan(face.trackingConfidence, 0.8, "frame \(i)")
            XCTAssertEqual(face.box.width, truth.width, accuracy: truth.width * 0.05, "frame \(i)")
        }
        print("translated patch: worst centre error \(worst) px over 39 frames")
        XCTAssertLessThanOrEqual(worst, 1.5, "worst centre error over 39 tracked frames")
    }

    func testFollowsAGrowingPatchInScale() throws {
        let tracker = try FaceTracker()
        var truth = Rect(x: 200, y: 150, width: 80, height: 96)
        _ = tracker.update(frame: scene.render([(faceA, truth)]), time: 0, detections: [detection(truth)])
        for i in 1..<20 {
            // 2 % larger per frame around a centre drifting right: 1.5x over the run.
            let c = Point(x: truth.center.x + 2, y: truth.center.y)
            let w = truth.width * 1.02, h = truth.height * 1.02
            truth = Rect(x: c.x - w / 2, y: c.y - h / 2, width: w, height: h)
            let result = tracker.track(frame: scene.render([(faceA, truth)]), time: Double(i) / fps)
            let face = try XCTUnwrap(result.faces.first, "frame \(i)")
            XCTAssertGreaterThan(face.box.iou(truth), 0.85, "frame \(i): \(face.box) vs \(truth)")
        }
    }

    func testLandmarksAreCarriedWithTheBoxAndEverythingWorksWithoutThem() throws {
        let tracker = try FaceTracker()
        var truth = Rect(x: 300, y: 200, width: 80, height: 96)
        let eyes = FaceLandmarks(leftEye: Point(x: 325, y: 235), rightEye: Point(x: 355, y: 235),
                                 nose: Point(x: 340, y: 255), mouthLeft: Point(x: 328, y: 275),
                                 mouthRight: Point(x: 352, y: 275))
        let withLandmarks = tracker.update(frame: scene.render([(faceA, truth), (faceB, Rect(x: 40, y: 40, width: 80, height: 96))]),
                                           time: 0, detections: [detection(truth, landmarks: eyes),
                                                                 detection(Rect(x: 40, y: 40, width: 80, height: 96))])
        XCTAssertEqual(withLandmarks.faces.count, 2)
        XCTAssertNil(withLandmarks.faces.first { $0.landmarks == nil && $0.box.x > 200 })
        for i in 1...10 {
            truth = truth.offsetBy(dx: 4, dy: 2)
            let result = tracker.track(frame: scene.render([(faceA, truth), (faceB, Rect(x: 40, y: 40, width: 80, height: 96))]),
                                       time: Double(i) / fps)
            let moving = try XCTUnwrap(result.faces.first { $0.box.x > 200 })
            let still = try XCTUnwrap(result.faces.first { $0.box.x < 200 })
            XCTAssertNil(still.landmarks, "a detection without landmarks gives a track without landmarks")
            assertClose(still.box, Rect(x: 40, y: 40, width: 80, height: 96), within: 1)
            let carried = try XCTUnwrap(moving.landmarks)
            for (p, q) in zip(carried.points, eyes.points) {
                XCTAssertEqual(p.x, q.x + 4 * Float(i), accuracy: 2, "frame \(i)")
                XCTAssertEqual(p.y, q.y + 2 * Float(i), accuracy: 2, "frame \(i)")
            }
        }
    }

    // MARK: - Association and identity

    func testSwappedDetectionOrderKeepsTheIDs() throws {
        let tracker = try FaceTracker()
        let a = Rect(x: 100, y: 100, width: 80, height: 96), b = Rect(x: 400, y: 200, width: 80, height: 96)
        let frame = scene.render([(faceA, a), (faceB, b)])
        let first = tracker.update(frame: frame, time: 0, detections: [detection(a), detection(b)])
        let idA = try XCTUnwrap(first.faces.first { $0.box == a }).id
        let idB = try XCTUnwrap(first.faces.first { $0.box == b }).id
        XCTAssertNotEqual(idA, idB)
        XCTAssertEqual(Set(first.started.map(\.id)), [idA, idB])
        // Slightly moved detections, listed the other way round.
        let a2 = a.offsetBy(dx: 3, dy: 1), b2 = b.offsetBy(dx: -2, dy: 2)
        let second = tracker.update(frame: scene.render([(faceA, a2), (faceB, b2)]), time: 0.2,
                                    detections: [detection(b2), detection(a2)])
        XCTAssertEqual(second.faces.first { $0.box == a2 }?.id, idA)
        XCTAssertEqual(second.faces.first { $0.box == b2 }?.id, idB)
        XCTAssertTrue(second.started.isEmpty)
        XCTAssertTrue(second.ended.isEmpty)
    }

    func testTwoCrossingFacesKeepTheirIDs() throws {
        let tracker = try FaceTracker()
        // A walks right, B walks left 60 px lower and is drawn on top: they overlap while crossing.
        func boxes(_ i: Int) -> (Rect, Rect) {
            (Rect(x: 80 + 9 * Float(i), y: 150, width: 80, height: 96),
             Rect(x: 480 - 9 * Float(i), y: 210, width: 80, height: 96))
        }
        var idA = 0, idB = 0
        for i in 0..<45 {
            let (a, b) = boxes(i)
            let frame = scene.render([(faceA, a), (faceB, b)])
            let time = Double(i) / fps
            let result = i % 5 == 0
                ? tracker.update(frame: frame, time: time, detections: [detection(a), detection(b)])
                : tracker.track(frame: frame, time: time)
            XCTAssertEqual(result.faces.count, 2, "frame \(i)")
            XCTAssertTrue(result.ended.isEmpty, "frame \(i)")
            let nearA = try XCTUnwrap(result.faces.max { $0.box.iou(a) < $1.box.iou(a) })
            let nearB = try XCTUnwrap(result.faces.max { $0.box.iou(b) < $1.box.iou(b) })
            if i == 0 { idA = nearA.id; idB = nearB.id }
            XCTAssertEqual(nearA.id, idA, "frame \(i): A's box belongs to another id")
            XCTAssertEqual(nearB.id, idB, "frame \(i): B's box belongs to another id")
            XCTAssertGreaterThan(nearA.box.iou(a), 0.6, "frame \(i)")
            XCTAssertGreaterThan(nearB.box.iou(b), 0.6, "frame \(i)")
        }
        XCTAssertNotEqual(idA, idB)
    }

    // MARK: - Lifecycle

    func testTentativeTrackIsConfirmedOnItsSecondDetection() throws {
        let tracker = try FaceTracker()  // minHits 2, confirmScore 0.9
        let box = Rect(x: 200, y: 200, width: 80, height: 96)
        let frame = scene.render([(faceA, box)])
        let first = tracker.update(frame: frame, time: 0, detections: [detection(box, score: 0.7)])
        XCTAssertTrue(first.faces.isEmpty)
        XCTAssertEqual(first.tentative.count, 1)
        XCTAssertEqual(first.tentative.first?.id, 0)
        XCTAssertEqual(first.tentative.first?.isConfirmed, false)
        let between = tracker.track(frame: frame, time: 0.04)
        XCTAssertTrue(between.faces.isEmpty)
        XCTAssertEqual(between.tentative.count, 1)
        let second = tracker.update(frame: frame, time: 0.2, detections: [detection(box, score: 0.72)])
        XCTAssertEqual(second.faces.map(\.id), [1])
        XCTAssertEqual(second.started.map(\.id), [1])
        XCTAssertEqual(second.faces.first?.isConfirmed, true)
        XCTAssertEqual(second.faces.first?.firstSeen, 0)
        XCTAssertEqual(second.faces.first?.lastDetected, 0.2)
        XCTAssertEqual(second.faces.first?.detectionScore, 0.72)
        XCTAssertTrue(tracker.track(frame: frame, time: 0.24).started.isEmpty)
    }

    func testAFalseDetectionSeenOnceNeverGetsAnID() throws {
        let tracker = try FaceTracker()  // maxTentativeMisses 1
        let box = Rect(x: 200, y: 200, width: 80, height: 96)
        let frame = scene.render([(faceA, box)])
        _ = tracker.update(frame: frame, time: 0, detections: [detection(Rect(x: 450, y: 300, width: 60, height: 70), score: 0.65)])
        XCTAssertEqual(tracker.activeTrackCount, 1)
        let next = tracker.update(frame: frame, time: 0.2, detections: [detection(box)])
        XCTAssertEqual(next.faces.map(\.id), [1], "ids count confirmed tracks only")
        XCTAssertEqual(next.tentative.count, 1, "one missed detector frame is tolerated")
        let third = tracker.update(frame: frame, time: 0.4, detections: [detection(box)])
        XCTAssertTrue(third.ended.isEmpty, "a tentative track ends silently")
        XCTAssertTrue(third.tentative.isEmpty)
        XCTAssertEqual(third.faces.map(\.id), [1])
        XCTAssertEqual(tracker.activeTrackCount, 1)
    }

    func testATentativeTrackSurvivesOneMissedDetection() throws {
        let tracker = try FaceTracker()
        let box = Rect(x: 200, y: 200, width: 80, height: 96)
        let frame = scene.render([(faceA, box)])
        _ = tracker.update(frame: frame, time: 0, detections: [detection(box, score: 0.7)])
        XCTAssertEqual(tracker.update(frame: frame, time: 0.2, detections: []).tentative.count, 1)
        let third = tracker.update(frame: frame, time: 0.4, detections: [detection(box, score: 0.7)])
        XCTAssertEqual(third.started.map(\.id), [1])
        XCTAssertEqual(third.faces.first?.firstSeen, 0)
    }

    func testUndetectedFaceEndsAsLostAfterMaxLostTime() throws {
        var options = FaceTracker.Options()
        options.maxLostTime = 1.0
        let tracker = try FaceTracker(options: options)
        let box = Rect(x: 200, y: 200, width: 80, height: 96)
        let frame = scene.render([(faceA, box)])
        _ = tracker.update(frame: frame, time: 0, detections: [detection(box)])
        // Still visible (the visual tracker is confident), but the detector no longer reports it.
        var endedAt: Double?
        for i in 1...40 {
            let time = Double(i) / fps
            let result = i % 5 == 0 ? tracker.update(frame: frame, time: time, detections: [])
                                    : tracker.track(frame: frame, time: time)
            if let ended = result.ended.first {
                // Visually tracked (so seen) up to the frame on which it ends.
                XCTAssertEqual(ended, EndedTrack(id: 1, firstSeen: 0, lastSeen: time, reason: .lost))
                XCTAssertTrue(result.faces.isEmpty)
                endedAt = time
                break
            }
            XCTAssertEqual(result.faces.map(\.id), [1], "frame \(i)")
        }
        XCTAssertEqual(try XCTUnwrap(endedAt), 1.04, accuracy: 1e-9, "the first frame more than 1 s after the detection")
    }

    func testOccludedFaceEndsWhenTheVisualSearchFails() throws {
        let tracker = try FaceTracker()
        let box = Rect(x: 200, y: 200, width: 80, height: 96)
        _ = tracker.update(frame: scene.render([(faceA, box)]), time: 0, detections: [detection(box)])
        // Something else covers it completely and the detector finds nothing.
        let cover = scene.render([(faceA, box), (Texture(width: 100, height: 120, seed: 7), box.expanded(by: 0.2))])
        var ended: EndedTrack?
        for i in 1...30 {
            let result = tracker.track(frame: cover, time: Double(i) / fps)
            if let first = result.ended.first { ended = first; break }
            XCTAssertLessThan(result.faces.first?.trackingConfidence ?? 0, 0.5, "frame \(i)")
        }
        let end = try XCTUnwrap(ended)
        // Low confidence from frame 1 (0.04 s); maxLowConfidenceTime 0.5 s later, well before maxLostTime.
        XCTAssertEqual(end, EndedTrack(id: 1, firstSeen: 0, lastSeen: 0, reason: .trackingFailed))
        XCTAssertEqual(tracker.activeTrackCount, 0)
    }

    func testFaceLeavingTheFrameEnds() throws {
        let tracker = try FaceTracker()
        var box = Rect(x: 480, y: 200, width: 80, height: 96)
        _ = tracker.update(frame: scene.render([(faceA, box)]), time: 0, detections: [detection(box)])
        var ended: EndedTrack?
        for i in 1...15 {
            box = box.offsetBy(dx: 15, dy: 0)
            let result = tracker.track(frame: scene.render([(faceA, box)]), time: Double(i) / fps)
            if let first = result.ended.first { ended = first; break }
            XCTAssertEqual(result.faces.count, 1, "frame \(i)")
        }
        let end = try XCTUnwrap(ended)
        XCTAssertEqual(end.reason, .leftFrame)
        XCTAssertEqual(end.id, 1)
        XCTAssertEqual(tracker.activeTrackCount, 0)
    }

    func testFinishEndsConfirmedTracksAndFrameSizeChangeResets() throws {
        let tracker = try FaceTracker()
        let a = Rect(x: 100, y: 100, width: 80, height: 96), b = Rect(x: 400, y: 200, width: 80, height: 96)
        let frame = scene.render([(faceA, a), (faceB, b)])
        _ = tracker.update(frame: frame, time: 0, detections: [detection(a), detection(b, score: 0.6)])
        let small = SyntheticScene(width: 320, height: 240).render([(faceA, a)])
        let reset = tracker.track(frame: small, time: 0.04)
        XCTAssertEqual(reset.ended.map(\.reason), [.frameChanged])
        XCTAssertEqual(tracker.activeTrackCount, 0)

        _ = tracker.update(frame: small, time: 0.08, detections: [detection(a)])
        let ended = tracker.finish(time: 0.12)
        XCTAssertEqual(ended, [EndedTrack(id: 2, firstSeen: 0.08, lastSeen: 0.08, reason: .streamEnded)])
        XCTAssertEqual(tracker.activeTrackCount, 0)
        XCTAssertTrue(tracker.finish(time: 0.2).isEmpty)
    }

    func testRGBFramesAndBadDetectionsAreHandled() throws {
        let tracker = try FaceTracker()
        let box = Rect(x: 100, y: 100, width: 80, height: 96)
        let rgb = scene.render([(faceA, box)]).converted(to: .rgb8)
        let nan = Float.nan
        let result = tracker.update(frame: rgb, time: 0, detections: [
            detection(box), detection(Rect(x: nan, y: 0, width: 10, height: 10)),
            detection(Rect(x: 10, y: 10, width: 0, height: 10)),
            detection(Rect(x: 1e30, y: -1e30, width: 1e30, height: 1e30), score: 0.5),
        ])
        XCTAssertEqual(result.faces.count, 1)
        XCTAssertEqual(result.tentative.count, 0, "the absurd box is out of the frame at once")
        let next = tracker.track(frame: rgb, time: 0.04)
        assertClose(try XCTUnwrap(next.faces.first).box, box, within: 0.5)
        // A detector reporting the same face twice does not start a second track.
        let twice = tracker.update(frame: rgb, time: 0.08, detections: [detection(box), detection(box.offsetBy(dx: 4, dy: 4))])
        XCTAssertEqual(twice.faces.count + twice.tentative.count, 1)
        // A non-finite time counts as the previous frame's: nothing ends, nothing moves.
        let bad = tracker.track(frame: rgb, time: .nan)
        XCTAssertEqual(bad.faces.map(\.id), [1])
        XCTAssertTrue(bad.ended.isEmpty)
        XCTAssertTrue(try XCTUnwrap(bad.faces.first).lastDetected.isFinite)
    }

    func testInvalidOptionsAreRejectedWithTheFieldName() {
        var options = FaceTracker.Options()
        options.templateSize = 30
        XCTAssertThrowsError(try FaceTracker(options: options)) { error in
            XCTAssertEqual("\(error)", "tracker option templateSize: 30 must be 16, 32, 48 or 64")
        }
        options = FaceTracker.Options()
        options.maxLostTime = 0
        XCTAssertThrowsError(try FaceTracker(options: options)) { error in
            XCTAssertTrue("\(error)".hasPrefix("tracker option maxLostTime:"), "\(error)")
        }
    }
}
