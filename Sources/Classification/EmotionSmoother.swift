import Foundation

/// Smooths one tracked face's emotion predictions over time and keeps its displayed label from flickering.
///
/// Probabilities follow an exponential moving average in time: a prediction `dt` seconds after the
/// previous one moves them by the weight `1 - exp(-dt / timeConstant)`, so irregular classification
/// times weigh correctly (a step change reaches 63 % after one time constant). The displayed label is
/// the smoothed top class with hysteresis: it changes when another class's smoothed probability beats
/// the current label's by `switchMargin`, or when another class has led (by any amount) for
/// `holdTime` seconds — the second rule settles near-ties that would otherwise keep a stale label.
/// It also accumulates, for `summary(until:)`, the time spent under each displayed label and the
/// time-weighted confidence. One smoother per track; not thread-safe.
public final class EmotionSmoother {
    /// Time constant of the exponential average, in seconds (> 0).
    public let timeConstant: Double
    /// How much another class's smoothed probability must exceed the current label's to take over at once.
    public let switchMargin: Float
    /// Seconds another class must lead continuously to take over without the margin.
    public let holdTime: Double

    /// The label set, fixed by the first prediction (nil before it).
    public private(set) var labels: [String]?
    /// The smoothed probabilities, in `labels` order (empty before the first prediction).
    public private(set) var probabilities: [Float] = []
    /// Index of the displayed label in `labels`.
    public private(set) var labelIndex = 0
    /// True when the last `update` changed the displayed label (or set the first one).
    public private(set) var labelChanged = false
    /// Predictions ignored because their labels differ from the first one's.
    public private(set) var rejectedUpdates = 0

    private var firstTime: Double?
    private var lastTime: Double = 0
    /// When the current challenger (the smoothed top class, if not the label) started leading.
    private var challenger: (index: Int, since: Double)?
    /// Seconds spent under each label index, and Σ confidence × seconds.
    private var dwell: [Double] = []
    private var confidenceTime: Double = 0

    /// A smoother; `timeConstant` in seconds (default 0.5), `switchMargin` in probability (default 0.1),
    /// `holdTime` in seconds (default 1). Out-of-range values are clamped to usable ones.
    public init(timeConstant: Double = 0.5, switchMargin: Float = 0.1, holdTime: Double = 1.0) {
        self.timeConstant = timeConstant.isFinite && timeConstant > 0 ? timeConstant : 0.5
        self.switchMargin = switchMargin.isFinite ? max(0, switchMargin) : 0.1
        self.holdTime = holdTime.isFinite ? max(0, holdTime) : 1.0
    }

    /// The displayed label (empty before the first prediction).
    public var label: String { labels.map { $0[labelIndex] } ?? "" }

    /// The smoothed probability of the displayed label (0 before the first prediction).
    public var confidence: Float { probabilities.isEmpty ? 0 : probabilities[labelIndex] }

    /// Mixes in a prediction made at `time` (seconds, e.g. the frame's presentation time) and returns the
    /// smoothed probabilities. The first prediction is taken as is. A prediction at or before the
    /// previous time has weight 0; one with a different label set is ignored (counted in `rejectedUpdates`).
    @discardableResult
    public func update(_ prediction: EmotionPrediction, at time: Double) -> [Float] {
        labelChanged = false
        guard time.isFinite, prediction.probabilities.allSatisfy(\.isFinite) else {
            rejectedUpdates += 1
            return probabilities
        }
        guard let labels else {
            self.labels = prediction.labels
            probabilities = prediction.probabilities
            labelIndex = prediction.topIndex
            labelChanged = true
            firstTime = time
            lastTime = time
            dwell = [Double](repeating: 0, count: prediction.labels.count)
            return probabilities
        }
        guard prediction.labels == labels else {
            rejectedUpdates += 1
            return probabilities
        }
        let dt = time - lastTime
        guard dt > 0 else { return probabilities }
        accumulate(until: time)
        lastTime = time
        let weight = Float(1 - Foundation.exp(-dt / timeConstant))
        for i in probabilities.indices {
            probabilities[i] += weight * (prediction.probabilities[i] - probabilities[i])
        }
        applyHysteresis(at: time)
        return probabilities
    }

    /// Dwell time, share of time under each displayed label and time-weighted mean confidence from the
    /// first prediction until `time` (e.g. when the track ended).
    public func summary(until time: Double) -> EmotionSummary {
        guard let labels, let firstTime else {
            return EmotionSummary(duration: 0, shares: [:], meanConfidence: 0, dominantLabel: "")
        }
        var dwell = self.dwell
        var confidenceTime = self.confidenceTime
        let tail = max(0, time - lastTime)
        dwell[labelIndex] += tail
        confidenceTime += Double(confidence) * tail
        let total = dwell.reduce(0, +)
        var shares: [String: Double] = [:]
        let meanConfidence: Float
        if total > 0 {
            for (i, seconds) in dwell.enumerated() where seconds > 0 { shares[labels[i], default: 0] += seconds / total }
            meanConfidence = Float(confidenceTime / total)
        } else {
            shares[labels[labelIndex]] = 1
            meanConfidence = confidence
        }
        let dominant = shares.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? label
        return EmotionSummary(duration: max(0, max(time, lastTime) - firstTime), shares: shares,
                              meanConfidence: meanConfidence, dominantLabel: dominant)
    }

    /// Books the time since the last update to the label and confidence shown during it.
    private func accumulate(until time: Double) {
        let seconds = time - lastTime
        dwell[labelIndex] += seconds
        confidenceTime += Double(confidence) * seconds
    }

    private func applyHysteresis(at time: Double) {
        let top = probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? labelIndex
        guard top != labelIndex else {
            challenger = nil
            return
        }
        if challenger?.index != top { challenger = (top, time) }
        let leadsByMargin = probabilities[top] >= probabilities[labelIndex] + switchMargin
        let ledLongEnough = time - (challenger?.since ?? time) >= holdTime
        if leadsByMargin || ledLongEnough {
            labelIndex = top
            labelChanged = true
            challenger = nil
        }
    }
}
