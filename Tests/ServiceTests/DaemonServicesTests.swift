import Capture
import Classification
import Detection
import FaceAnalysis
import Foundation
import Imaging
import Logging
import Pipeline
import Service
import ServiceLifecycle
import Synchronization
import TestSupport
import Tracking
import XCTest

/// The same JPEG over and over, until cancelled or `limit` frames (nil: endless).
private final class RepeatingSource: FrameSource, Sendable {
    let name = "repeating"
    let frameRate: Double? = 30
    let isLive = false
    var skippedFrames: Int { 0 }
    var stateHandler: (@Sendable (SourceState) -> Void)? {
        get { handler.withLock { $0 } }
        set { handler.withLock { $0 = newValue } }
    }
    private let handler = Mutex<(@Sendable (SourceState) -> Void)?>(nil)
    private let jpeg: [UInt8]
    private let limit: Int?
    private let state = Mutex((delivered: 0, cancelled: false))

    init(jpeg: [UInt8], limit: Int?) {
        self.jpeg = jpeg
        self.limit = limit
    }

    func next() throws -> CapturedFrame? {
        let limit = self.limit
        let index: Int? = state.withLock { s in
            guard !s.cancelled, limit.map({ s.delivered < $0 }) ?? true else { return nil }
            s.delivered += 1
            return s.delivered - 1
        }
        guard let index else { return nil }
        return CapturedFrame(sequence: index, presentationTime: Double(index) / 30, captureTime: MonotonicClock.now,
                             width: 0, height: 0, payload: .jpeg, bytes: jpeg)
    }

    func cancel() { state.withLock { $0.cancelled = true } }
}

/// Records, for the final stats event, whether the monitor had already said STOPPING=1.
private final class FinalStatsProbe: EventSink, Sendable {
    private let monitor: ServiceMonitor
    private let seen = Mutex<(finalStats: Int, monitorWasStopping: Bool?)>((0, nil))
    init(monitor: ServiceMonitor) { self.monitor = monitor }

    func handle(_ event: PipelineEvent) {
        guard case .stats(_, final: true, _) = event else { return }
        let stopping = monitor.health.stopping
        seen.withLock { $0.finalStats += 1; $0.monitorWasStopping = stopping }
    }
    func flush() {}

    var finalStats: Int { seen.withLock { $0.finalStats } }
    var monitorWasStopping: Bool? { seen.withLock { $0.monitorWasStopping } }
}

/// `DaemonServices`: the pipeline, the systemd monitor and the signal handlers in one ServiceGroup.
final class DaemonServicesTests: XCTestCase {
    /// systemd's end of `$NOTIFY_SOCKET`, in the abstract namespace (nothing to clean up on disk).
    private var receiver: NotifyReceiver!

    override func setUpWithError() throws {
        receiver = try NotifyReceiver(abstractName: "fer-live-daemon-services-\(UUID().uuidString.prefix(8))")
    }

    override func tearDownWithError() throws { receiver.close() }

    private func parts(frames limit: Int?) throws -> (ServiceGroup, LivePipeline, FinalStatsProbe, ResultBox) {
        let jpeg = try [UInt8](Data(contentsOf: TestPaths.fixtures.appendingPathComponent("two_people.jpg")))
        let locator = try ModelLocator(explicit: TestPaths.models.path)
        let analyzer = try FrameAnalyzer(detector: try YuNetDetector(modelURL: locator.detector),
                                         classifier: try EmotionClassifier(modelURL: locator.classifier),
                                         tracker: try FaceTracker(), configuration: AnalyzerConfiguration())
        let logger = Logger(label: "fer-live.tests")
        let monitor = ServiceMonitor(notifier: try SystemdNotifier(address: receiver.path, watchdogTimeout: 1),
                                     logger: logger)
        let probe = FinalStatsProbe(monitor: monitor)
        let pipeline = try LivePipeline(source: RepeatingSource(jpeg: jpeg, limit: limit), analyzer: analyzer,
                                        eventSinks: [monitor, probe], frameSinks: [monitor], logger: logger)
        let box = ResultBox()
        let group = DaemonServices.group(
            pipeline: PipelineService(pipeline: pipeline) { totals in box.totals.withLock { $0 = totals } },
            monitor: monitor, signals: SignalService(logger: logger, onReopen: {}), http: nil, mqtt: nil,
            logger: logger)
        return (group, pipeline, probe, box)
    }

    func testGracefulShutdownSaysStoppingFirstThenDrainsThePipeline() async throws {
        let (group, pipeline, probe, box) = try parts(frames: nil)
        let running = Task { try await group.run() }
        let deadline = Date().addingTimeInterval(20)
        while pipeline.statistics.runTotals().framesAnalyzed < 3, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTAssertGreaterThanOrEqual(pipeline.statistics.runTotals().framesAnalyzed, 3, "the pipeline runs in the group")
        let asked = Date()
        await group.triggerGracefulShutdown()
        try await running.value
        XCTAssertLessThan(Date().timeIntervalSince(asked), 5, "the group ends once the pipeline has drained")
        XCTAssertEqual(probe.finalStats, 1, "the pipeline wrote its final stats")
        XCTAssertEqual(probe.monitorWasStopping, true, "STOPPING=1 went out before the pipeline stopped (reverse order)")
        let totals = try XCTUnwrap(box.totals.withLock { $0 }, "the pipeline service handed over its totals")
        XCTAssertGreaterThanOrEqual(totals.framesAnalyzed, 3)
        XCTAssertTrue(receiver.wait(timeout: 2) { $0.flatMap(\.lines).contains("STOPPING=1") }, "\(receiver.lines)")
        XCTAssertTrue(receiver.lines.contains("READY=1"))
    }

    func testTheEndOfTheStreamShutsTheWholeGroupDown() async throws {
        let (group, _, probe, box) = try parts(frames: 5)
        let running = Task { try await group.run() }
        let finished = await withTaskGroup(of: Bool.self) { race in
            race.addTask { (try? await running.value) != nil }
            race.addTask { try? await Task.sleep(for: .seconds(20)); return false }
            let first = await race.next() ?? false
            race.cancelAll()
            return first
        }
        XCTAssertTrue(finished, "a finished pipeline ends the group without a signal")
        XCTAssertEqual(box.totals.withLock { $0 }?.framesAnalyzed, 5)
        XCTAssertEqual(probe.finalStats, 1)
        XCTAssertTrue(receiver.wait(timeout: 2) { $0.flatMap(\.lines).contains("STOPPING=1") }, "\(receiver.lines)")
    }
}

/// The pipeline service's totals, handed over from its thread.
private final class ResultBox: Sendable {
    let totals = Mutex<StatisticsSnapshot?>(nil)
}
