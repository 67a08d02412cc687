import Capture
import Dispatch
import Foundation
import Synchronization
import Imaging
import Logging

/// A source run through decode → analyse → sinks: a capture thread of its own, then one serial Dispatch
/// queue per stage with a small bounded buffer in front of each.
///
/// With a live source (or a file paced in real time) a stage that falls behind loses its oldest waiting
/// frame, counted as dropped, and capture never waits. With a file read as fast as possible, the reader
/// waits for the pipeline instead and nothing is dropped.
public final class LivePipeline: @unchecked Sendable {
    // @unchecked Sendable: `lastTime`, the only stored var, is written and read on the analysis queue (serial);
    // everything shared with other threads is a Mutex, an Atomic or a thread-safe stage.
    /// Tuning knobs of the pipeline itself (the analysis has its own `AnalyzerConfiguration`).
    public struct Options: Sendable {
        /// Frames that may wait in front of each stage.
        public var bufferCapacity = 2
        /// Drop the oldest frame when a stage is behind; nil: decide from the source (live → drop).
        public var dropWhenBehind: Bool?
        /// Seconds between two `stats` events (0: none until the final one).
        public var statsInterval: Double = 10
        /// Stop after this many frames from the source (nil: no limit).
        public var maxFrames: Int?
        /// Stop after this many seconds of wall time (nil: no limit).
        public var duration: Double?
        public init() {}
    }

    public let source: FrameSource
    public let statistics = PipelineStatistics()
    private let analyzer: FrameAnalyzer
    private let options: Options
    private let eventSinks: [EventSink]
    private let frameSinks: [FrameSink]
    private let perFrame: PerFrameWriter?
    private let logger: Logger
    private let decoder: FrameDecoder
    private let stopped = StopFlag()
    private let lastSourceState = LastSourceState()
    private var lastTime = 0.0
    private let skipReports = SharedCounter()

    public init(source: FrameSource, analyzer: FrameAnalyzer, eventSinks: [EventSink], frameSinks: [FrameSink] = [],
                perFrame: PerFrameWriter? = nil, logger: Logger, options: Options = Options()) throws {
        self.source = source
        self.decoder = try FrameDecoder(sourceName: source.name)
        self.analyzer = analyzer
        self.eventSinks = eventSinks
        self.frameSinks = frameSinks
        self.perFrame = perFrame
        self.logger = logger
        self.options = options
    }

    /// Asks the pipeline to stop: capture ends, frames already captured are analysed, open tracks end. Thread-safe.
    public func stop() {
        stopped.set()
        source.cancel()
    }

    /// Runs until the source ends or `stop()` is called; returns the figures for the whole run.
    /// Ends with `track_end` events for the tracks still open and a final `stats` event, all sinks flushed.
    @discardableResult
    public func run() -> StatisticsSnapshot {
        let drop = options.dropWhenBehind ?? source.isLive
        let policy: BoundedBuffer<CapturedFrame>.OverflowPolicy = drop ? .dropOldest : .wait
        let analyze = DispatchStage<DecodedFrame>(
            name: "analyze", capacity: options.bufferCapacity, policy: drop ? .dropOldest : .wait
        ) { [self] in analyzeFrame($0) }
        let decode = DispatchStage<CapturedFrame>(name: "decode", capacity: options.bufferCapacity, policy: policy) {
            [self] captured in
            if let frame = decodeFrame(captured), !analyze.submit(frame) { statistics.framesDropped(1) }
        }
        source.stateHandler = { [self] state in
            switch state {
            case .waiting:
                logger.warning("\(state)", metadata: ["source.name": "\(source.name)"])
            default: logger.info("source \(state)", metadata: ["source.name": "\(source.name)"])
            }
            publish(.source(state, time: nil))
            eventSinks.forEach { $0.flush() }  // a lost camera is news now, not at the next frame
            if case .waiting = state {
                // The faces are gone with the camera: end their tracks once the frames before the loss are analysed.
                decode.perform { analyze.perform { self.endTracks(reason: "source_lost") } }
            }
        }

        let timer = startStatsTimer()
        let done = DispatchSemaphore(value: 0)
        let capture = Thread { [self] in
            captureLoop(into: decode)
            decode.finish()
            analyze.finish()
            done.signal()
        }
        capture.name = "fer-live.capture"
        capture.qualityOfService = .userInteractive
        capture.start()
        done.wait()
        timer?.cancel()
        source.stateHandler = nil  // it holds the stages

        statistics.setSourceSkipped(source.skippedFrames)
        for summary in analyzer.finish(time: lastTime) { publish(.trackEnd(summary, time: lastTime)) }
        let totals = statistics.runTotals()
        publish(.stats(totals, final: true, time: lastTime))
        perFrame?.flush()
        eventSinks.forEach { $0.flush() }
        return totals
    }

    /// Ends every open track now (on the analysis queue), e.g. when the camera is lost.
    private func endTracks(reason: String) {
        for var summary in analyzer.finish(time: lastTime) {
            summary.reason = reason
            publish(.trackEnd(summary, time: lastTime))
        }
        eventSinks.forEach { $0.flush() }
    }

    private func captureLoop(into decode: DispatchStage<CapturedFrame>) {
        let start = MonotonicClock.now
        var count = 0
        while !stopped.isSet {
            if let limit = options.maxFrames, count >= limit { break }
            if let limit = options.duration, MonotonicClock.now - start >= limit { break }
            do {
                guard let frame = try source.next() else { break }
                count += 1
                statistics.frameCaptured()
                if !decode.submit(frame) { statistics.framesDropped(1) }
            } catch {
                logger.error("\(error)", metadata: ["source.name": "\(source.name)"])
                break
            }
        }
        publish(.source(.ended, time: nil))
    }

    /// A decoded frame with its capture metadata.
    struct DecodedFrame: Sendable {
        var image: YUVImage
        var captured: CapturedFrame
        var decodeMilliseconds: Double
    }

    private func decodeFrame(_ captured: CapturedFrame) -> DecodedFrame? {
        let t0 = ticks()
        do {
            let image = try decoder.decode(captured)
            var frame = captured
            frame.bytes = []  // the encoded bytes are no longer needed
            return DecodedFrame(image: image, captured: frame, decodeMilliseconds: milliseconds(since: t0))
        } catch {
            statistics.frameSkipped()
            reportSkip("frame \(captured.sequence) skipped: \(error)")
            return nil
        }
    }

    private func analyzeFrame(_ frame: DecodedFrame) {
        let t = frame.captured.presentationTime
        let analysis: FrameAnalysis
        do {
            analysis = try analyzer.analyze(frame.image, sequence: frame.captured.sequence, time: t)
        } catch {
            statistics.frameSkipped()
            reportSkip("frame \(frame.captured.sequence) skipped: \(error)")
            return
        }
        var timed = analysis
        timed.timings.decode = frame.decodeMilliseconds
        lastTime = t
        let latency = MonotonicClock.now - frame.captured.captureTime
        statistics.frameAnalyzed(latency: latency * 1000, faces: timed.faces.count, timings: timed.timings,
                                 detected: timed.detected)
        statistics.trackStarted(timed.started.count)
        for face in timed.started { publish(.trackStart(face, frame: timed.sequence, time: t)) }
        for change in timed.emotionChanges {
            publish(.emotion(change, box: timed.faces.first { $0.id == change.track }, frame: timed.sequence, time: t))
        }
        for summary in timed.ended { publish(.trackEnd(summary, time: t)) }
        if !timed.started.isEmpty || !timed.emotionChanges.isEmpty || !timed.ended.isEmpty {
            eventSinks.forEach { $0.flush() }
        }
        perFrame?.write(timed)
        if !frameSinks.isEmpty {
            let snapshot = statistics.liveFigures()
            let result = FrameResult(frame: frame.image, analysis: timed, latency: latency, fps: snapshot.fps,
                                     dropped: snapshot.dropped)
            frameSinks.forEach { $0.handle(result) }
        }
    }

    private func publish(_ event: PipelineEvent) {
        if case .source(let state, _) = event {
            // Sources and the capture loop may both report the end: say each state once.
            guard lastSourceState.exchange(state) != state else { return }
        }
        eventSinks.forEach { $0.handle(event) }
        statistics.eventPublished()
    }

    /// Logs the first few skipped frames one by one, then one line every 100.
    private func reportSkip(_ message: String) {
        let count = skipReports.increment()
        if count <= 5 || count % 100 == 0 {
            logger.warning("\(message)", metadata: ["source.name": "\(source.name)", "frames.skipped": "\(count)"])
        }
    }

    private func startStatsTimer() -> DispatchSourceTimer? {
        guard options.statsInterval > 0 else { return nil }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "fer-live.stats", qos: .utility))
        timer.schedule(deadline: .now() + options.statsInterval, repeating: options.statsInterval)
        timer.setEventHandler { [self] in
            statistics.setSourceSkipped(source.skippedFrames)
            publish(.stats(statistics.takeInterval(), final: false, time: nil))
            eventSinks.forEach { $0.flush() }
        }
        timer.resume()
        return timer
    }
}

/// A flag set once, read from any thread.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}

/// A counter shared by the decode and analysis queues.
final class SharedCounter: Sendable {
    private let value = Atomic<Int>(0)
    /// Adds one and returns the new value.
    func increment() -> Int { value.add(1, ordering: .relaxed).newValue }
}

/// The last source state published, swapped atomically.
final class LastSourceState: Sendable {
    private let value = Mutex<SourceState?>(nil)
    /// Stores `new` and returns the previous value.
    func exchange(_ new: SourceState) -> SourceState? {
        value.withLock { value in
            defer { value = new }
            return value
        }
    }
}
