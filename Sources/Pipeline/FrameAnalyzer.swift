import Classification
import Detection
import Dispatch
import Imaging
import Tracking

/// The analysis stage: detect every Nth frame, track in between, classify tracks on a schedule, smooth per track.
///
/// Not thread-safe: one per stream, called from the analysis queue only. All scheduling uses the frames'
/// stream time, so a file gives the same result whether it is analysed in real time or faster.
public final class FrameAnalyzer {
    public let configuration: AnalyzerConfiguration
    public let detector: FaceDetector
    public let classifier: EmotionClassifier
    private let tracker: FaceTracker
    private var frameIndex = 0
    private var emotions: [Int: TrackEmotion] = [:]

    /// Per-track emotion state: the smoother and the event rate limiter.
    private struct TrackEmotion {
        var smoother: EmotionSmoother
        var lastClassified: Double = -.infinity
        var reportedLabel: String?
        var lastReport: Double = -.infinity
        /// Whether the face is shown as uncertain (with hysteresis, so it does not flicker at the threshold).
        var isUncertain: Bool?
    }

    public init(detector: FaceDetector, classifier: EmotionClassifier, tracker: FaceTracker,
                configuration: AnalyzerConfiguration) throws {
        try configuration.validate()
        self.detector = detector
        self.classifier = classifier
        self.tracker = tracker
        self.configuration = configuration
    }

    /// Analyses one decoded frame taken at stream time `time`.
    public func analyze(_ frame: YUVImage, sequence: Int, time: Double) throws -> FrameAnalysis {
        var timings = StageTimings()
        let detectNow = frameIndex % configuration.detectEvery == 0
        frameIndex += 1

        let trackingResult: TrackingResult
        if detectNow {
            var t0 = ticks()
            let detections = try detect(frame)
            timings.detect = milliseconds(since: t0)
            t0 = ticks()
            trackingResult = tracker.update(frame: frame.luma, time: time, detections: detections)
            timings.track = milliseconds(since: t0)
        } else {
            let t0 = ticks()
            trackingResult = tracker.track(frame: frame.luma, time: time)
            timings.track = milliseconds(since: t0)
        }

        let t0 = ticks()
        var predictions: [Int: EmotionPrediction] = [:]
        var rgbFrame: Image?
        for face in scheduleClassification(trackingResult.faces, time: time) {
            let source: Image
            if classifier.cropFormat == .gray8 {
                source = frame.luma
            } else {
                if rgbFrame == nil { rgbFrame = frame.rgb() }
                source = rgbFrame!
            }
            // The detector's landmarks (carried with the box between detections), or its prior in the box.
            let landmarks = (configuration.levelEyes ? face.landmarks : nil)
                ?? detector.landmarkPrior.landmarks(in: face.box)
            let crop = try classifier.crop(source, box: face.box, landmarks: landmarks.points)
            predictions[face.id] = try classifier.classify(face: crop)
        }
        timings.classify = milliseconds(since: t0)
        timings.classified = predictions.count

        var changes: [EmotionChange] = []
        var faces: [FaceState] = []
        for face in trackingResult.faces {
            var state = emotions[face.id] ?? TrackEmotion(smoother: EmotionSmoother(
                timeConstant: max(configuration.smoothingTime, 1e-6)))
            if let prediction = predictions[face.id] {
                _ = state.smoother.update(prediction, at: time)
                state.lastClassified = time
            }
            let smoothed = state.smoother.probabilities.isEmpty ? nil : smoothedEmotion(&state)
            if let smoothed, smoothed.label != state.reportedLabel,
               time - state.lastReport >= configuration.emotionEventInterval {
                changes.append(EmotionChange(track: face.id, previous: state.reportedLabel, emotion: smoothed))
                state.reportedLabel = smoothed.label
                state.lastReport = time
            }
            emotions[face.id] = state
            faces.append(FaceState(id: face.id, box: face.box, landmarks: face.landmarks, emotion: smoothed,
                                   prediction: predictions[face.id], age: time - face.firstSeen))
        }
        let startedIDs = Set(trackingResult.started.map(\.id))
        let ended = trackingResult.ended.map { summarize($0) }
        return FrameAnalysis(sequence: sequence, time: time, detected: detectNow, faces: faces,
                             started: faces.filter { startedIDs.contains($0.id) }, ended: ended,
                             emotionChanges: changes, timings: timings)
    }

    /// Ends every open track (end of stream or shutdown) and returns their summaries.
    public func finish(time: Double) -> [TrackSummary] {
        tracker.finish(time: time).map { summarize($0) }
    }

    /// Detections in frame pixels, from the frame scaled to the detection width.
    private func detect(_ frame: YUVImage) throws -> [DetectedFace] {
        try detector.detect(in: frame, width: configuration.detectionWidth(frameWidth: frame.width),
                            minimumFaceSize: configuration.minimumFaceSize)
    }

    /// The tracks to classify now: never-classified first, then those waiting longest, within the budget.
    private func scheduleClassification(_ faces: [TrackedFace], time: Double) -> [TrackedFace] {
        let due = faces.filter { face in
            let last = emotions[face.id]?.lastClassified ?? -.infinity
            return time - last >= configuration.classifyInterval || configuration.classifyInterval == 0
        }.sorted { (emotions[$0.id]?.lastClassified ?? -.infinity) < (emotions[$1.id]?.lastClassified ?? -.infinity) }
        let budget = configuration.classificationsPerFrame
        return budget > 0 ? Array(due.prefix(budget)) : due
    }

    /// How far above the threshold an uncertain face's top probability must rise to show a label again.
    static let uncertainHysteresis: Float = 0.05

    /// Whether a face with top probability `confidence` is uncertain: below `threshold`, or, when it already
    /// was (`wasUncertain`), below `threshold` + 0.05.
    public static func isUncertain(confidence: Float, threshold: Float, wasUncertain: Bool?) -> Bool {
        confidence < (wasUncertain == true ? threshold + uncertainHysteresis : threshold)
    }

    private func smoothedEmotion(_ state: inout TrackEmotion) -> SmoothedEmotion {
        let smoother = state.smoother
        let unsure = Self.isUncertain(confidence: smoother.confidence, threshold: configuration.uncertainBelow,
                                      wasUncertain: state.isUncertain)
        state.isUncertain = unsure
        return SmoothedEmotion(label: unsure ? SmoothedEmotion.uncertainLabel : smoother.label,
                               confidence: smoother.confidence, labels: classifier.labels,
                               probabilities: smoother.probabilities, topLabel: smoother.label)
    }

    /// The `reason` field of `track_end`, in the events' snake_case.
    static func reasonName(_ reason: EndedTrack.Reason) -> String {
        switch reason {
        case .lost: return "lost"
        case .trackingFailed: return "tracking_failed"
        case .leftFrame: return "left_frame"
        case .frameChanged: return "frame_changed"
        case .streamEnded: return "end_of_stream"
        }
    }

    private func summarize(_ ended: EndedTrack) -> TrackSummary {
        let state = emotions.removeValue(forKey: ended.id)
        let summary = state.flatMap { $0.smoother.probabilities.isEmpty ? nil : $0.smoother.summary(until: ended.lastSeen) }
        return TrackSummary(track: ended.id, firstSeen: ended.firstSeen, lastSeen: ended.lastSeen,
                            reason: Self.reasonName(ended.reason), emotionShare: summary?.shares ?? [:],
                            meanConfidence: summary.map { Double($0.meanConfidence) },
                            dominantEmotion: summary?.dominantLabel)
    }
}

@inline(__always) func ticks() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
@inline(__always) func milliseconds(since start: UInt64) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds &- start) / 1e6
}
