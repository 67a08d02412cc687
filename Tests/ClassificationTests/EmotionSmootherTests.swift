import Classification
import Foundation
import XCTest

/// Time-based smoothing of emotion predictions, label hysteresis and the per-track summary.
final class EmotionSmootherTests: XCTestCase {
    private let labels = ["happy", "sad", "neutral"]
    private let happy: [Float] = [0.9, 0.05, 0.05]
    private let sad: [Float] = [0.05, 0.9, 0.05]

    private func prediction(_ p: [Float]) -> EmotionPrediction { EmotionPrediction(labels: labels, probabilities: p) }

    func testFirstPredictionIsTakenAsIs() {
        let smoother = EmotionSmoother()
        XCTAssertEqual(smoother.label, "")
        XCTAssertEqual(smoother.confidence, 0)
        XCTAssertEqual(smoother.update(prediction(sad), at: 3.0), sad)
        XCTAssertEqual(smoother.label, "sad")
        XCTAssertEqual(smoother.confidence, 0.9)
        XCTAssertTrue(smoother.labelChanged)
        smoother.update(prediction(sad), at: 3.1)
        XCTAssertFalse(smoother.labelChanged)
    }

    func testAStepChangeMovesTheLabelAfterAboutTheTimeConstant() throws {
        let tau = 0.5
        let smoother = EmotionSmoother(timeConstant: tau, switchMargin: 0.1)
        var t = 0.0
        for _ in 0..<30 { smoother.update(prediction(happy), at: t); t += 1.0 / 30 }
        XCTAssertEqual(smoother.label, "happy")
        let stepTime = t
        var switchedAt: Double?
        var changes = 0
        for _ in 0..<60 {
            smoother.update(prediction(sad), at: t)
            if smoother.labelChanged { changes += 1; if switchedAt == nil { switchedAt = t } }
            t += 1.0 / 30
        }
        let delay = try XCTUnwrap(switchedAt) - stepTime
        // sad − happy = 0.85·(1 − 2e^(−t/τ)) reaches the 0.1 margin at t = τ·ln(1.7/0.75) ≈ 0.82 τ.
        XCTAssertEqual(delay, tau * log(1.7 / 0.75), accuracy: 1.0 / 30 + 1e-9)
        XCTAssertEqual(changes, 1, "labelChanged is set on the switching update only")
        XCTAssertEqual(smoother.label, "sad")
        XCTAssertEqual(smoother.probabilities[1], 0.9, accuracy: 0.02, "within 2 % after 4 time constants")
    }

    func testASingleOutlierFrameDoesNotFlipTheLabel() {
        let smoother = EmotionSmoother()
        var t = 0.0
        for i in 0..<60 {
            smoother.update(prediction(i == 30 ? [0, 1, 0] : happy), at: t)
            XCTAssertEqual(smoother.label, "happy", "frame \(i)")
            XCTAssertFalse(i > 0 && smoother.labelChanged, "frame \(i)")
            t += 1.0 / 30
        }
        XCTAssertGreaterThan(smoother.confidence, 0.85)
    }

    func testIrregularIntervalsGiveTheSameCurveAsRegularOnes() {
        // The same input (happy until 0, sad from then on) sampled at 30 fps and at irregular times:
        // at common times both equal the closed form target + (start − target)·e^(−t/τ).
        let regular = EmotionSmoother(timeConstant: 0.5), irregular = EmotionSmoother(timeConstant: 0.5)
        regular.update(prediction(happy), at: 0)
        irregular.update(prediction(happy), at: 0)
        var t = 0.0
        while t < 1.0 - 1e-9 {
            t += 1.0 / 30
            regular.update(prediction(sad), at: min(t, 1.0))
        }
        for time in [0.013, 0.2, 0.21, 0.55, 0.9, 1.0] { irregular.update(prediction(sad), at: time) }
        let decay = Float(exp(-1.0 / 0.5))
        for i in 0..<3 {
            let closed = sad[i] + (happy[i] - sad[i]) * decay
            XCTAssertEqual(regular.probabilities[i], closed, accuracy: 1e-4)
            XCTAssertEqual(irregular.probabilities[i], closed, accuracy: 1e-4)
        }
        XCTAssertEqual(regular.label, irregular.label)
        // No time elapsed, or time going backwards: the prediction has no weight.
        let before = irregular.probabilities
        irregular.update(prediction([0, 0, 1]), at: 1.0)
        irregular.update(prediction([0, 0, 1]), at: 0.5)
        XCTAssertEqual(irregular.probabilities, before)
    }

    func testANearTieSwitchesAfterTheHoldTime() throws {
        let smoother = EmotionSmoother(timeConstant: 0.2, switchMargin: 0.1, holdTime: 1.0)
        smoother.update(prediction([0.5, 0.45, 0.05]), at: 0)
        var t = 0.0
        var switchedAt: Double?
        // sad now leads by 0.04 for ever: less than the margin.
        while t < 3 {
            t += 0.1
            smoother.update(prediction([0.48, 0.52, 0.0]), at: t)
            if smoother.labelChanged { switchedAt = t; break }
        }
        // sad overtakes happy in the smoothed curve at ~0.1-0.2 s and must lead for 1 s more.
        let at = try XCTUnwrap(switchedAt)
        XCTAssertGreaterThanOrEqual(at, 1.0)
        XCTAssertLessThanOrEqual(at, 1.3)
        XCTAssertEqual(smoother.label, "sad")
    }

    func testSummarySharesFollowTheDisplayedLabelAndSumToOne() throws {
        let smoother = EmotionSmoother(timeConstant: 0.5)
        XCTAssertEqual(smoother.summary(until: 1), EmotionSummary(duration: 0, shares: [:], meanConfidence: 0, dominantLabel: ""))
        var t = 10.0
        var switchedAt = 0.0
        while t < 12 - 1e-9 { smoother.update(prediction(happy), at: t); t += 0.05 }
        while t < 16 - 1e-9 {
            smoother.update(prediction(sad), at: t)
            if smoother.labelChanged { switchedAt = t }
            t += 0.05
        }
        let summary = smoother.summary(until: 16)
        XCTAssertEqual(summary.duration, 6, accuracy: 1e-9)
        XCTAssertEqual(summary.shares.values.reduce(0, +), 1, accuracy: 1e-9)
        XCTAssertEqual(Set(summary.shares.keys), ["happy", "sad"])
        // happy was shown from 10 until the switch (~0.4 s after the step at 12).
        XCTAssertEqual(try XCTUnwrap(summary.shares["happy"]), (switchedAt - 10) / 6, accuracy: 1e-6)
        XCTAssertEqual(summary.dominantLabel, "sad")
        XCTAssertGreaterThan(summary.meanConfidence, 0.6)
        XCTAssertLessThanOrEqual(summary.meanConfidence, 0.9)

        let single = EmotionSmoother()
        single.update(prediction(sad), at: 2)
        XCTAssertEqual(single.summary(until: 2), EmotionSummary(duration: 0, shares: ["sad": 1], meanConfidence: 0.9, dominantLabel: "sad"))
    }

    func testPredictionsWithOtherLabelsAreIgnoredAndCounted() {
        let smoother = EmotionSmoother()
        smoother.update(prediction(happy), at: 0)
        smoother.update(EmotionPrediction(labels: ["angry", "happy"], probabilities: [1, 0]), at: 0.1)
        smoother.update(prediction([.nan, 0, 0]), at: 0.2)
        XCTAssertEqual(smoother.rejectedUpdates, 2)
        XCTAssertEqual(smoother.probabilities, happy)
        XCTAssertEqual(smoother.label, "happy")
    }
}
