import Capture
import Classification
import Detection
import FaceAnalysis
import Foundation
import Imaging
import Logging
import Pipeline
import TestSupport
import Tracking

/// Frames held in memory, delivered as a file or a camera would (no pacing).
final class ArraySource: FrameSource, @unchecked Sendable {
    let name: String
    let frameRate: Double? = 30
    let isLive: Bool
    var skippedFrames: Int { 0 }
    var stateHandler: (@Sendable (SourceState) -> Void)?
    private let frames: [[UInt8]]
    private let lock = NSLock()
    private var index = 0
    private var cancelled = false

    init(name: String = "test-clip", jpegs: [[UInt8]], isLive: Bool = false) {
        self.name = name
        self.frames = jpegs
        self.isLive = isLive
    }

    func next() throws -> CapturedFrame? {
        let i: Int? = lock.withLock {
            guard !cancelled, index < frames.count else { return nil }
            index += 1
            return index - 1
        }
        guard let i else { return nil }
        return CapturedFrame(sequence: i, presentationTime: Double(i) / 30, captureTime: MonotonicClock.now,
                             width: 0, height: 0, payload: .jpeg, bytes: frames[i])
    }

    func cancel() { lock.withLock { cancelled = true } }
}

/// Collects events in memory.
final class RecordingSink: EventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [PipelineEvent] = []
    var events: [PipelineEvent] { lock.withLock { recorded } }
    func handle(_ event: PipelineEvent) { lock.withLock { recorded.append(event) } }
    func flush() {}
}

enum PipelineFixtures {
    /// `count` 640x480 JPEG frames of two_people.jpg drifting a few pixels per frame (2 faces).
    static func drifting(count: Int) throws -> [[UInt8]] {
        let photo = try ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent("two_people.jpg").path,
                                          as: .rgb8)
        let scale = Float(photo.width) / 600
        return try (0..<count).map { i in
            let dx = Float(-20) + 10 * Float(sin(Double(i) / 8)), dy = Float(-60) + 6 * Float(cos(Double(i) / 11))
            let map = AffineMap(a: scale, b: 0, tx: dx * scale, c: 0, d: scale, ty: dy * scale)
            return try JPEGEncoder.encode(try photo.warpAffine(map, width: 640, height: 480), quality: 85)
        }
    }

    static func analyzer(_ configure: (inout AnalyzerConfiguration) -> Void = { _ in }) throws -> FrameAnalyzer {
        let locator = try ModelLocator(explicit: TestPaths.models.path)
        var configuration = AnalyzerConfiguration()
        configure(&configuration)
        return try FrameAnalyzer(detector: try YuNetDetector(modelURL: locator.detector),
                                 classifier: try EmotionClassifier(modelURL: locator.classifier),
                                 tracker: try FaceTracker(), configuration: configuration)
    }

    static let logger = Logger(label: "fer-live.tests")
}
