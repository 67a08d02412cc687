import Capture
import FaceAnalysis
import Foundation
import Logging
import V4L2Emulation

/// Decides what kind of source a SOURCE argument names, and opens it.
enum SourceResolver {
    /// A SOURCE argument, classified.
    enum Resolved {
        case camera(String)
        case file(String)
        /// A network camera (rtsp, rtsps, http, https), read through ffmpeg.
        case network(String)
        /// The bundled demo clip, played in real time in a loop.
        case demo(String)
    }

    /// The camera used when no SOURCE is given.
    static let defaultCamera = "/dev/video0"
    /// The demo clip, relative to the models folder.
    static let demoClip = "demo/pedestrians.mjpeg"

    /// The system calls cameras go through: the kernel's, or the V4L2 emulator when
    /// `FER_LIVE_V4L2_EMULATION` names an emulation spec (tests and demos on machines without a camera).
    static func system(logger: Logger) throws -> any V4L2System {
        guard let emulated = try EmulatedV4L2System.fromEnvironment() else { return LinuxV4L2System() }
        logger.notice("cameras are emulated", metadata: [
            "emulation.spec": "\(ProcessInfo.processInfo.environment[EmulatedV4L2System.environmentVariable] ?? "")"])
        return emulated
    }

    static func resolve(_ argument: String?, system: any V4L2System, logger: Logger, models: String? = nil) throws -> Resolved {
        if let argument {
            if NetworkCameraSource.accepts(argument) { return .network(argument) }
            return argument.hasPrefix("/dev/") ? .camera(argument) : .file(argument)
        }
        if (try? system.fileKind(at: defaultCamera)) == .characterDevice { return .camera(defaultCamera) }
        let clip = try ModelLocator(explicit: models).directory.appendingPathComponent(demoClip).path
        logger.notice("no camera at \(defaultCamera): playing the bundled demo clip (give a SOURCE to choose)",
                      metadata: ["source.path": "\(clip)"])
        return .demo(clip)
    }
}

extension SourceResolver.Resolved {
    /// Opens the source with the command's options.
    func open(camera: CameraOptions, files: FileOptions, system: any V4L2System, logger: Logger) throws -> FrameSource {
        switch self {
        case .camera(let path):
            var request = try CaptureRequest.parse(size: camera.size, framesPerSecond: nil, format: camera.format)
            request.framesPerSecond = camera.fps
            return try CameraSource(path: path, request: request, system: system, logger: logger,
                                    reconnect: .init(waitForDevice: camera.waitForCamera))
        case .file(let path):
            return try Self.openFile(path, fps: camera.fps, realtime: files.realtime, loop: files.loop)
        case .network(let url):
            guard let ffmpeg = Self.ffmpeg() else {
                throw SourceError.needsFFmpeg(NetworkCameraSource(url: url, ffmpeg: "", logger: logger).name)
            }
            return NetworkCameraSource(url: url, ffmpeg: ffmpeg, logger: logger)
        case .demo(let path):
            return try Self.openFile(path, fps: camera.fps ?? 25, realtime: true, loop: true)  // the clip is 25 fps
        }
    }

    /// ffmpeg on PATH.
    private static func ffmpeg() -> String? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return (dirs.map { "\($0)/ffmpeg" } + ["/usr/bin/ffmpeg"]).first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func openFile(_ path: String, fps: Double?, realtime: Bool, loop: Bool) throws -> FrameSource {
        let open: @Sendable () throws -> FrameSource = { try FileSourceOpener.open(path, frameRate: fps) }
        var source: FrameSource = loop ? try LoopingSource(open: open) : try open()
        if realtime { source = PacedSource(source) }
        return source
    }
}

/// A source that cannot be opened for lack of a tool.
enum SourceError: Error, CustomStringConvertible {
    /// Network cameras are read through ffmpeg, which is not installed.
    case needsFFmpeg(String)

    var description: String {
        switch self {
        case .needsFFmpeg(let name): return "\(name): network cameras are read through ffmpeg, which is not on PATH (apt install ffmpeg)"
        }
    }
}
