import ArgumentParser
import Capture
import FaceAnalysis
import Foundation
import HTTPAPI
import Logging
import MQTT
import Pipeline
import Service
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
        let frameSource: FrameSource
        let resolved: SourceResolver.Resolved
        do {
            let system = try SourceResolver.system(logger: logger)
            resolved = try SourceResolver.resolve(source, system: system, logger: logger, models: recognition.models)
            frameSource = try resolved.open(camera: camera, files: files, system: system, logger: logger)
        } catch {
            Diagnostics.error("\(error)")
            throw ExitCode(1)
        }

        let locator = try recognition.locator()
        let classifier = try recognition.makeClassifier(locator)
        var configuration = try analysis.configuration(detectorWidth: recognition.detectorWidth)
        if case .demo = resolved, recognition.detectorWidth == nil {
            configuration.detectionWidth = 640  // the demo clip's faces are 20-30 px: detect at full width
        }
        if frameSource is ImageFolderSource {
            // Photos are unrelated scenes: detect and classify every face of every one, no smoothing across them.
            configuration.detectEvery = 1
            configuration.classifyInterval = 0
            configuration.classificationsPerFrame = 0
            configuration.smoothingTime = 0
            configuration.emotionEventInterval = 0
        }
        let analyzer = try FrameAnalyzer(
            detector: try recognition.makeDetector(locator, scalesInput: false), classifier: classifier,
            tracker: try FaceTracker(), configuration: configuration)

        // The window, unless headless or no display (said once, then headless).
        var window: LiveWindow?
        if !output.headless {
            do {
                window = try LiveWindow(title: "fer-live — \(frameSource.name)", fullscreen: output.fullscreen,
                                        bars: output.bars, blur: output.blur)
            } catch {
                logger.notice("no overlay window: \(error); continuing headless")
            }
        }

        // systemd: READY/STATUS/WATCHDOG/STOPPING to $NOTIFY_SOCKET (no-op when unset).
        let notifier: SystemdNotifier?
        do {
            notifier = try SystemdNotifier.fromEnvironment()
        } catch {
            logger.warning("\(error); not notifying systemd")
            notifier = nil
        }
        let monitor = ServiceMonitor(notifier: notifier, logger: logger)
        var eventSinks: [EventSink] = [monitor]
        var eventLog: EventLog?
        let eventsPath = output.events ?? (window == nil ? "-" : nil)
        if let eventsPath {
            let log = EventLog(writer: try LineWriter(path: eventsPath), sourceName: frameSource.name,
                               model: classifier.manifest.name)
            eventLog = log
            eventSinks.append(log)
        }
        let liveState = httpOptions.address.map { _ in
            LiveState(sourceName: frameSource.name, allowSnapshots: httpOptions.allowSnapshots)
        }
        if let liveState { eventSinks.append(liveState) }
        let publisher: MQTTPublisher?
        do {
            publisher = try mqttOptions.settings(sourceName: frameSource.name).map { MQTTPublisher(settings: $0, logger: logger) }
            try publisher?.start()
        } catch let error as MQTTError {
            Diagnostics.error(error.description)
            throw ExitCode(1)
        }
        if let publisher {
            eventSinks.append(publisher)
            liveState?.attach(publisher: {
                let s = publisher.statistics
                return PublisherFigures(sent: s.sent, dropped: s.dropped, queued: s.queued, connected: s.connected)
            })
        }
        let perFrame = try output.perFrame.map { try PerFrameWriter(path: $0, labels: classifier.labels) }
        var options = LivePipeline.Options()
        options.statsInterval = output.statsInterval
        options.maxFrames = files.maxFrames
        options.duration = files.duration
        if files.realtime { options.dropWhenBehind = true }
        let pipeline = try LivePipeline(
            source: frameSource, analyzer: analyzer, eventSinks: eventSinks,
            frameSinks: [monitor] + (window.map { [$0.sink] } ?? []) + (liveState.map { [$0] } ?? []), perFrame: perFrame,
            logger: logger, options: options)

        var httpServer: HTTPServer?
        if let liveState, let address = httpOptions.address {
            liveState.attach(pipeline.statistics)
            let recognition = self.recognition
            let analysis = ImageAnalysisService(maximumBytes: httpOptions.analyzeMaxBytes) { try recognition.makeAnalyzer() }
            let server = HTTPServer(address: address, state: liveState, analysis: analysis, logger: logger)
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
            httpServer = server
        }
        defer { httpServer?.stop() }
        // Runs before the HTTP server stops (reverse order): the last events reach the broker, then `offline`.
        defer { publisher?.shutdown() }

        let signals = SignalHandlers(logger: logger, onReopen: { [eventLog] in
            do { try eventLog?.reopen() } catch { logger.error("\(error)") }
        }, onStop: {
            monitor.stopping()
            pipeline.stop()
        })
        defer { signals.cancel() }
        monitor.start()

        let totals: StatisticsSnapshot
        if let window {
            // SDL lives on the main thread; the pipeline runs beside it.
            let box = PipelineResult()
            let sink = window.sink
            let worker = Thread {
                box.set(pipeline.run())
                sink.finish()
            }
            worker.name = "fer-live.pipeline"
            worker.start()
            window.runLoop { pipeline.stop() }
            totals = box.wait()
        } else {
            totals = pipeline.run()
        }
        monitor.stopping()
        logger.info("done", metadata: [
            "frames.analyzed": "\(totals.framesAnalyzed)", "frames.dropped": "\(totals.framesDropped)",
            "frames.skipped": "\(totals.framesSkipped)", "latency.p99_ms": "\(round1(totals.latencyP99))",
            "cpu.percent": "\(round1(totals.cpuPercent))",
        ])
    }
}

/// The result of the pipeline thread, handed to the main thread.
private final class PipelineResult: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let value = Mutex<StatisticsSnapshot?>(nil)
    func set(_ v: StatisticsSnapshot) {
        value.withLock { $0 = v }
        semaphore.signal()
    }
    func wait() -> StatisticsSnapshot {
        semaphore.wait()
        return value.withLock { $0! }
    }
}

private func round1(_ v: Double) -> Double { (v * 10).rounded() / 10 }
