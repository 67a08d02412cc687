import ArgumentParser
import Capture
import Foundation
import HTTPAPI
import Logging
import Pipeline

/// Options for V4L2 cameras.
struct CameraOptions: ParsableArguments {
    @Option(help: "Camera frame size, e.g. 1280x720 (default: chosen by bandwidth).")
    var size: String?

    @Option(help: "Frames per second: requested from a camera; the rate of an MJPEG stream or image folder.")
    var fps: Double?

    @Option(help: "Camera pixel format: mjpeg or yuyv (default: mjpeg when offered).")
    var format: String?

    @Flag(help: "If the camera is missing at start, wait for it instead of exiting (services).")
    var waitForCamera = false

    func validate() throws {
        if let fps, !(fps > 0 && fps <= 1000) { throw ValidationError("--fps must be in (0, 1000], got \(fps)") }
    }
}

/// Options for files, pipes and folders.
struct FileOptions: ParsableArguments {
    @Flag(help: "Play a file at its frame rate, dropping frames when behind (default: as fast as possible, no drops).")
    var realtime = false

    @Flag(help: "Start a file again at its end (demo loops, soak tests).")
    var loop = false

    @Option(help: "Stop after this many frames.")
    var maxFrames: Int?

    @Option(help: "Stop after this many seconds.")
    var duration: Double?

    func validate() throws {
        if let maxFrames, maxFrames < 1 { throw ValidationError("--max-frames must be at least 1, got \(maxFrames)") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be positive, got \(duration)") }
    }
}

/// How often detection and classification run, and how emotions are smoothed.
struct AnalysisOptions: ParsableArguments {
    @Option(help: "Run the detector every N frames; a visual tracker follows faces in between.")
    var detectEvery: Int = AnalyzerConfiguration().detectEvery

    @Option(help: "Seconds between two classifications of one face (0: every frame).")
    var classifyInterval: Double = AnalyzerConfiguration().classifyInterval

    @Option(help: "Most faces classified per frame (0: no limit).")
    var classifyPerFrame: Int = AnalyzerConfiguration().classificationsPerFrame

    @Option(help: "Time constant of the emotion smoothing, in seconds (0: none).")
    var smoothing: Double = AnalyzerConfiguration().smoothingTime

    @Option(help: "Show and report a face as 'uncertain' while its smoothed top probability is below this (0: never; the default 0.5 is where, with calibrated probabilities, the label becomes more likely wrong than right).")
    var uncertainBelow: Float = AnalyzerConfiguration().uncertainBelow

    func configuration(detectorWidth: Int?) throws -> AnalyzerConfiguration {
        var c = AnalyzerConfiguration()
        c.detectEvery = detectEvery
        c.classifyInterval = classifyInterval
        c.classificationsPerFrame = classifyPerFrame
        c.smoothingTime = smoothing
        c.uncertainBelow = uncertainBelow
        c.detectionWidth = detectorWidth
        do { try c.validate() } catch { throw ValidationError("\(error)") }
        return c
    }
}

/// Where results go.
struct OutputOptions: ParsableArguments {
    @Flag(help: "No window: write JSON Lines events (to stdout unless --events).")
    var headless = false

    @Flag(help: "Full-screen window (kiosk).")
    var fullscreen = false

    @Flag(help: "Draw per-emotion bars beside each face.")
    var bars = false

    @Flag(help: "Pixelate faces in the window (privacy; toggle with b).")
    var blur = false

    @Option(help: "Write JSON Lines events to this file ('-': stdout).")
    var events: String?

    @Option(help: "Write one row per frame and face to this file (.csv, else JSON Lines).")
    var perFrame: String?

    @Option(help: "Seconds between two stats events (0: only the final one).")
    var statsInterval: Double = 10

    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard statsInterval >= 0 else { throw ValidationError("--stats-interval must be ≥ 0, got \(statsInterval)") }
    }
}

/// The local HTTP endpoint (metrics, health, tracks, events).
struct HTTPOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Serve /metrics, /healthz, /api/v1/tracks and /api/v1/events on HOST:PORT (default: off).",
        discussion: "Use a loopback address (127.0.0.1:9090); another host exposes the endpoint to the network."))
    var http: String?

    @Flag(help: "Serve /snapshot.jpg, the annotated frame (shows faces; off by default).")
    var allowSnapshots = false

    @Option(help: ArgumentHelp("Largest image POST /api/v1/analyze accepts, in bytes.", valueName: "bytes"))
    var analyzeMaxBytes = 10 << 20

    func validate() throws {
        if let http {
            do { _ = try HTTPAddress(parsing: http) } catch { throw ValidationError(error.description) }
        }
        if allowSnapshots && http == nil { throw ValidationError("--allow-snapshots needs --http HOST:PORT") }
        if analyzeMaxBytes < 1024 { throw ValidationError("--analyze-max-bytes must be at least 1024") }
    }

    var address: HTTPAddress? { http.flatMap { try? HTTPAddress(parsing: $0) } }
}

