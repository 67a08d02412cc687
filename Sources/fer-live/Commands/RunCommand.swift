import ArgumentParser
import Capture
import Classification
import FaceAnalysis
import Foundation
import HTTPAPI
import Logging
import Pipeline
import Service
import ServiceLifecycle
import Synchronization
import Tracking

/// `fer-live [SOURCE]`: the live pipeline on a camera, a video file, a pipe or a folder of images.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Follow the faces of a camera or video and tell each one's emotion, live.",
        discussion: """
            SOURCE is a V4L2 camera (/dev/video0, /dev/v4l/by-id/...), a Y4M file or '-' for Y4M/MJPEG on stdin, \
            an MJPEG stream (concatenated JPEGs), a folder of images or a quoted glob ('shots/*.jpg'). \
            Without SOURCE: /dev/video0 if it exists, else the bundled demo clip.
            Shows an overlay window when a display is available; otherwise (or with --headless) writes JSON Lines \
            events to stdout or --events FILE.
            """)

    @Argument(help: "Camera, file, '-', folder or glob (default: /dev/video0, else the demo clip).")
    var source: String?

    @OptionGroup(title: "Camera") var camera: CameraOptions
    @OptionGroup(title: "Files") var files: FileOptions
    @OptionGroup(title: "Analysis") var analysis: AnalysisOptions
    @OptionGroup(title: "Models") var recognition: RecognitionOptions
    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "Settings") var settings: SettingsOptions
    @OptionGroup(title: "HTTP") var httpOptions: HTTPOptions
    @OptionGroup(title: "MQTT") var mqttOptions: MQTTOptions

    func run() throws {
        let logger = LogSetup.makeLogger(level: output.logLevel)
        // Keep freed frame buffers mapped: fresh multi-megabyte allocations fault their pages in again every frame.
        FrameBufferAllocator.retainFreedFrameBuffers()
        let (frameSource, resolved) = try openSource(logger: logger)
        let locator = try recognition.locator()
        let classifier = try recognition.makeClassifier(locator)
        let analyzer = try makeAnalyzer(locator: locator, classifier: classifier, source: frameSource, resolved: resolved)
        let window = openWindow(source: frameSource, logger: logger)
        let monitor = ServiceMonitor(notifier: makeNotifier(logger: logger), logger: logger)
        let sinks = try LiveSinks(
            source: frameSource, classifier: classifier, monitor: monitor, window: window?.sink, output: output,
            http: httpOptions, mqtt: mqttOptions, logger: logger)
        var options = LivePipeline.Options()
        options.statsInterval = output.statsInterval
        options.maxFrames = files.maxFrames
        options.duration = files.duration
        if files.realtime { options.dropWhenBehind = true }
        let pipeline = try LivePipeline(
            source: frameSource, analyzer: analyzer, eventSinks: sinks.eventSinks, frameSinks: sinks.frameSinks,
            perFrame: sinks.perFrame, logger: logger, options: options)
        let http = try startHTTP(state: sinks.liveState, pipeline: pipeline, logger: logger)

        let totals = try runServices(
            pipeline: pipeline, monitor: monitor, http: http, sinks: sinks, window: window, logger: logger)
        logger.info("done", metadata: [
            "frames.analyzed": "\(totals.framesAnalyzed)", "frames.dropped": "\(totals.framesDropped)",
            "frames.skipped": "\(totals.framesSkipped)", "latency.p99_ms": "\(round1(totals.latencyP99))",
            "cpu.percent": "\(round1(totals.cpuPercent))",
        ])
    }

    /// The source the argument names (a camera, a file, a pipe, a folder or the demo clip), opened.
    private func openSource(logger: Logger) throws -> (FrameSource, SourceResolver.Resolved) {
        do {
            let system = try SourceResolver.system(logger: logger)
            let resolved = try SourceResolver.resolve(source, system: system, logger: logger, models: recognition.models)
            return (try resolved.open(camera: camera, files: files, system: system, logger: logger), resolved)
        } catch {
            Diagnostics.error("\(error)")
            throw ExitCode(1)
        }
    }

    /// Detector, classifier and tracker, configured for the kind of source.
    private func makeAnalyzer(locator: ModelLocator, classifier: EmotionClassifier, source: FrameSource,
                              resolved: SourceResolver.Resolved) throws -> FrameAnalyzer {
        var configuration = try analysis.configuration(detectorWidth: recognition.detectorWidth)
        if case .demo = resolved, recognition.detectorWidth == nil {
            configuration.detectionWidth = 640  // the demo clip's faces are 20-30 px: detect at full width
        }
        if source is ImageFolderSource {
            // Photos are unrelated scenes: detect and classify every face of every one, no smoothing across them.
            configuration.detectEvery = 1
            configuration.classifyInterval = 0
            configuration.classificationsPerFrame = 0
            configuration.smoothingTime = 0
            configuration.emotionEventInterval = 0
        }
        return try FrameAnalyzer(
            detector: try recognition.makeDetector(locator, scalesInput: false), classifier: classifier,
            tracker: try FaceTracker(), configuration: configuration)
    }

    /// The overlay window, unless headless or there is no display (said once, then headless).
    private func openWindow(source: FrameSource, logger: Logger) -> LiveWindow? {
        guard !output.headless else { return nil }
        do {
            return try LiveWindow(title: "fer-live — \(source.name)", fullscreen: output.fullscreen,
                                  bars: output.bars, blur: output.blur)
        } catch {
            logger.notice("no overlay window: \(error); continuing headless")
            return nil
        }
    }

    /// systemd's READY/STATUS/WATCHDOG/STOPPING channel (nil when `$NOTIFY_SOCKET` is unset or unusable).
    private func makeNotifier(logger: Logger) -> SystemdNotifier? {
        do {
            return try SystemdNotifier.fromEnvironment()
        } catch {
            logger.warning("\(error); not notifying systemd")
            return nil
        }
    }

    /// The local HTTP endpoint, listening (nil without `--http`); a bad address ends the run with one line.
    private func startHTTP(state: LiveState?, pipeline: LivePipeline, logger: Logger) throws -> HTTPServer? {
        guard let state, let address = httpOptions.address else { return nil }
        state.attach(pipeline.statistics)
        let recognition = self.recognition
        let analysis = ImageAnalysisService(maximumBytes: httpOptions.analyzeMaxBytes) { try recognition.makeAnalyzer() }
        let server = HTTPServer(address: address, state: state, analysis: analysis, logger: logger)
        do {
            let port = try server.start()
            let bound = HTTPAddress(host: address.host, port: port)
            logger.notice("http: listening", metadata: ["http.address": "\(bound)"])
            if !address.isLoopback {
                logger.warning("http: \(address.host) is not a loopback address: the endpoint is reachable from the network")
            }
        } catch {
            Diagnostics.error("\(error)")
            throw ExitCode(1)
        }
        return server
    }

    /// Runs the pipeline, HTTP, MQTT, systemd and signal services in one group until the stream ends or a signal
    /// stops it; the window, if any, runs on this (the main) thread meanwhile, as SDL requires.
    private func runServices(pipeline: LivePipeline, monitor: ServiceMonitor, http: HTTPServer?, sinks: LiveSinks,
                             window: LiveWindow?, logger: Logger) throws -> StatisticsSnapshot {
        let outcome = RunOutcome()
        let frames = window?.sink
        let eventLog = sinks.eventLog
        let group = DaemonServices.group(
            pipeline: PipelineService(pipeline: pipeline) { totals in
                outcome.totals.withLock { $0 = totals }
                frames?.finish()
            },
            monitor: monitor,
            signals: SignalService(logger: logger, onReopen: {
                do { try eventLog?.reopen() } catch { logger.error("\(error)") }
            }),
            http: http.map(StopOnShutdownService.http), mqtt: sinks.publisher.map(StopOnShutdownService.mqtt),
            logger: logger)
        Task.detached {
            do { try await group.run() } catch { outcome.failure.withLock { $0 = "\(error)" } }
            frames?.finish()
            outcome.finished.signal()
        }
        window?.runLoop { Task { await group.triggerGracefulShutdown() } }
        outcome.finished.wait()
        if let failure = outcome.failure.withLock({ $0 }) {
            Diagnostics.error(failure)
            throw ExitCode(1)
        }
        return outcome.totals.withLock { $0 } ?? pipeline.statistics.runTotals()
    }
}

/// What the service group's task hands back to the main thread.
private final class RunOutcome: Sendable {
    let totals = Mutex<StatisticsSnapshot?>(nil)
    let failure = Mutex<String?>(nil)
    let finished = DispatchSemaphore(value: 0)
}

private func round1(_ v: Double) -> Double { (v * 10).rounded() / 10 }
