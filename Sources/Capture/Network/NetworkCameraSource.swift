import Dispatch
import Foundation
import Logging
import Synchronization

/// An IP camera (`rtsp://`, `rtsps://`, or MJPEG over `http(s)://`) read through an ffmpeg child process that
/// fer-live supervises. ffmpeg turns the stream into MJPEG on a pipe, which `MJPEGSource` reads; when ffmpeg
/// exits (camera gone, network down, stream stalled) the source reports `waiting`, as an unplugged USB camera
/// does, and starts ffmpeg again with backoff (1 s doubling to 30 s). Credentials in the URL reach ffmpeg only:
/// names, logs and events show the URL with `***` in their place.
public final class NetworkCameraSource: FrameSource, Sendable {
    /// The URL with its credentials hidden.
    public let name: String
    /// Unknown: the camera decides.
    public let frameRate: Double? = nil
    /// Frames arrive at the camera's pace; late work is dropped.
    public let isLive = true

    private let url: String
    private let ffmpeg: String
    private let logger: Logger
    private let secrets: [String]
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    private struct State {
        var process: Process?
        var output: Pipe?
        var reader: MJPEGSource?
        var lastError = ""
        var cancelled = false
        var skippedBefore = 0
        var handler: (@Sendable (SourceState) -> Void)?
        var reported: SourceState?
        var sequence = 0
        var start: Double?
        var attempts = 0
    }

    /// URL schemes this source reads.
    public static let schemes = ["rtsp", "rtsps", "http", "https"]

    /// Whether `argument` names a network camera.
    public static func accepts(_ argument: String) -> Bool {
        guard let colon = argument.range(of: "://") else { return false }
        return schemes.contains(argument[..<colon.lowerBound].lowercased())
    }

    /// `ffmpeg`: the executable's path. Nothing starts until the first `next()`.
    public init(url: String, ffmpeg: String, logger: Logger) {
        self.url = url
        self.ffmpeg = ffmpeg
        self.logger = logger
        (name, secrets) = Self.redact(url)
    }

    public var stateHandler: (@Sendable (SourceState) -> Void)? {
        get { state.withLock { $0.handler } }
        set { state.withLock { $0.handler = newValue } }
    }

    public var skippedFrames: Int {
        state.withLock { $0.skippedBefore + ($0.reader?.skippedFrames ?? 0) }
    }

    public func next() throws -> CapturedFrame? {
        while true {
            let (reader, cancelled) = state.withLock { ($0.reader, $0.cancelled) }
            if cancelled { return nil }
            guard let reader else {
                if !launch() { backoff() }
                continue
            }
            let frame = try? reader.next()
            if let frame { return deliver(frame) }
            // ffmpeg ended: the camera or the network went away (or the stream stalled past the timeout).
            let reason = stopChild()
            if state.withLock({ $0.cancelled }) { report(.ended); return nil }
            report(.waiting(reason: "\(name): \(reason); reconnecting"))
            backoff()
        }
    }

    public func cancel() {
        let process = state.withLock { s -> Process? in
            s.cancelled = true
            return s.process
        }
        if let process, process.isRunning { process.terminate() }
        wake.signal()
    }

    // MARK: ffmpeg

    /// The ffmpeg command line (without the executable) for `url`.
    public static func arguments(for url: String) -> [String] {
        var args = ["-nostdin", "-hide_banner", "-loglevel", "error"]
        if url.lowercased().hasPrefix("rtsp") {
            // TCP: no lost packets on Wi-Fi; the socket timeout (µs) ends a stalled stream.
            args += ["-rtsp_transport", "tcp", "-timeout", "10000000"]
        } else {
            args += ["-rw_timeout", "10000000"]
        }
        return args + ["-i", url, "-an", "-c:v", "mjpeg", "-q:v", "4", "-f", "mjpeg", "pipe:1"]
    }

    /// Starts ffmpeg; false when it could not be started (the reason is reported).
    private func launch() -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ffmpeg)
        process.arguments = Self.arguments(for: url)
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let secrets = self.secrets
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard !data.isEmpty, let self else { return }
            let text = Self.scrub(String(decoding: data, as: UTF8.self), secrets: secrets)
            if let last = text.split(separator: "\n").last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                self.state.withLock { $0.lastError = String(last).trimmingCharacters(in: .whitespaces) }
            }
        }
        do {
            try process.run()
        } catch {
            report(.waiting(reason: "\(name): cannot start \(ffmpeg): \(error.localizedDescription)"))
            return false
        }
        do {
            let reader = try MJPEGSource(fileDescriptor: output.fileHandleForReading.fileDescriptor, name: name)
            reader.skipHandler = { [logger] reason in logger.warning("\(reason)") }
            state.withLock { s in
                s.process = process
                s.output = output
                s.reader = reader
                s.attempts += 1
                if s.cancelled { process.terminate() }
            }
            return true
        } catch {
            process.terminate()
            report(.waiting(reason: "\(name): \(error)"))
            return false
        }
    }

    /// Stops the child (if still running) and returns one line on why it ended.
    private func stopChild() -> String {
        let (process, reader) = state.withLock { s -> (Process?, MJPEGSource?) in
            defer { s.process = nil; s.reader = nil; s.output = nil }
            s.skippedBefore += s.reader?.skippedFrames ?? 0
            return (s.process, s.reader)
        }
        reader?.cancel()
        guard let process else { return "ffmpeg is gone" }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        (process.standardError as? Pipe)?.fileHandleForReading.readabilityHandler = nil
        let detail = state.withLock { s -> String in
            defer { s.lastError = "" }
            return s.lastError
        }
        let status = process.terminationReason == .uncaughtSignal
            ? "ffmpeg stopped by signal \(process.terminationStatus)" : "ffmpeg exited with status \(process.terminationStatus)"
        return detail.isEmpty ? "the stream ended (\(status))" : "\(detail) (\(status))"
    }

    /// Waits 1, 2, 4 … 30 s (shorter after a connection that worked), or until cancelled.
    private func backoff() {
        let delay = state.withLock { s -> Double in
            let n = max(0, s.attempts - 1)
            return min(30, pow(2, Double(min(n, 5))))
        }
        _ = wake.wait(timeout: .now() + delay)
    }

    private func deliver(_ frame: CapturedFrame) -> CapturedFrame {
        var frame = frame
        let now = MonotonicClock.now
        let (sequence, start) = state.withLock { s -> (Int, Double) in
            if s.start == nil { s.start = now }
            defer { s.sequence += 1; s.attempts = 0 }
            return (s.sequence, s.start!)
        }
        report(.streaming(mode: "\(frame.width)x\(frame.height) mjpeg via ffmpeg"))
        // Numbered and timed across reconnections: stream time is time since the first frame.
        frame.sequence = sequence
        frame.presentationTime = now - start
        frame.captureTime = now
        return frame
    }

    private func report(_ newState: SourceState) {
        let handler = state.withLock { s -> (@Sendable (SourceState) -> Void)? in
            guard s.reported != newState else { return nil }
            s.reported = newState
            return s.handler
        }
        handler?(newState)
    }

    // MARK: Credentials

    /// The URL with user and password replaced by `***`, and the secrets to scrub from ffmpeg's messages.
    public static func redact(_ url: String) -> (String, [String]) {
        guard let scheme = url.range(of: "://") else { return (url, []) }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return (url, []) }
        let userInfo = String(authority[..<at])
        let secrets = [userInfo] + userInfo.split(separator: ":").map(String.init).filter { $0.count >= 3 }
        return (String(url[..<scheme.upperBound]) + "***@" + rest[rest.index(after: at)...], secrets)
    }

    /// `text` with every secret replaced by `***`.
    public static func scrub(_ text: String, secrets: [String]) -> String {
        secrets.sorted { $0.count > $1.count }.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }
}
