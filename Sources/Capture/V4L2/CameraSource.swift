import Foundation
import Logging

/// A V4L2 camera as a `FrameSource`: negotiates a mode, streams through mmap buffers, and survives unplugging.
///
/// `next()` waits only on the device (`poll` in 40 ms slices, so `cancel()` is seen within ~50 ms).
/// When the device fails — ENODEV or EIO from any call, POLLERR, or no frame for
/// `ReconnectPolicy.frameTimeout` — the stream is torn down completely (STREAMOFF, every buffer
/// unmapped, descriptor closed), the loss is logged and reported as `.waiting`, and the camera is
/// reopened with backoff. A `/dev/v4l/by-id` path is resolved again on every attempt, so a camera
/// that comes back as another /dev/videoN is found. Frame sequence numbers keep increasing across
/// reconnections, and `presentationTime` keeps counting from the first frame of the session.
///
/// Once the camera has been opened, `next()` does not throw: every failure is retried until `cancel()`.
/// Buffers flagged corrupt by the driver (or empty, or truncated) are skipped and counted in `skippedFrames`;
/// an MJPEG frame is delivered as the driver filled it, and the decoder judges it.
///
/// One capture thread calls `next()`; `cancel()`, `skippedFrames`, `mode` and `stateHandler` are safe from any thread.
public final class CameraSource: FrameSource, @unchecked Sendable {
    // @unchecked Sendable: the fields marked `// locked` are guarded by `condition` (an NSCondition: cancel()
    // wakes a reconnect wait); the others belong to the capture thread that calls next().
    /// How a lost camera is detected and retried.
    public struct ReconnectPolicy: Sendable, Equatable {
        /// The first wait before reopening (doubled after each failed attempt).
        public var initialDelay: Double
        /// The longest wait between attempts.
        public var maximumDelay: Double
        /// Seconds without a frame after which the camera counts as stalled and is reopened.
        public var frameTimeout: Double
        /// When the device is missing at start: wait for it (true) instead of failing (false).
        public var waitForDevice: Bool

        public init(initialDelay: Double = 0.25, maximumDelay: Double = 2, frameTimeout: Double = 2,
                    waitForDevice: Bool = false) {
            self.initialDelay = initialDelay
            self.maximumDelay = maximumDelay
            self.frameTimeout = frameTimeout
            self.waitForDevice = waitForDevice
        }
    }

    /// The path given (a /dev/videoN node or a /dev/v4l/by-id link).
    public let name: String
    /// Always true: frames arrive at the camera's pace.
    public let isLive = true
    /// What the user asked for.
    public let request: CaptureRequest
    /// The retry behaviour.
    public let reconnect: ReconnectPolicy

    private let system: any V4L2System
    private let logger: Logger
    /// Guards the fields below marked "locked" and wakes a backoff wait on `cancel()`.
    private let condition = NSCondition()
    private var cancelled = false                        // locked
    private var skipped = 0                              // locked
    private var currentMode: CaptureMode?                // locked
    private var handler: (@Sendable (SourceState) -> Void)?  // locked
    private var reconnections = 0                        // locked

    // Owned by the capture thread (and by init before it).
    private var stream: V4L2Stream?
    private var state: SourceState = .starting
    private var reportedState: SourceState?
    private var lastFrameTime = 0.0
    private var retryDelay: Double
    private var nextAttempt = 0.0
    private var lastFailure: String?
    private var nextSequence = 0
    private var connectionBase = 0
    private var firstDriverSequence: UInt32?
    private var sessionStart: Double?
    private var lastPresentationTime = 0.0

    /// Opens `path`, negotiates a mode for `request` and starts streaming.
    ///
    /// Throws `CaptureError` when the path is not a usable camera (not a character device, not V4L2,
    /// no capture, permission denied, busy, no usable format). A missing device throws too, unless
    /// `reconnect.waitForDevice` is set: then `next()` waits for it as for a replug.
    public init(path: String, request: CaptureRequest = CaptureRequest(),
                system: any V4L2System = LinuxV4L2System(),
                logger: Logger = Logger(label: "fer-live.capture"),
                reconnect: ReconnectPolicy = ReconnectPolicy()) throws(CaptureError) {
        self.name = path
        self.request = request
        self.system = system
        self.logger = logger
        self.reconnect = reconnect
        self.retryDelay = reconnect.initialDelay
        do {
            try connect()
        } catch {
            guard case .deviceNotFound = error, reconnect.waitForDevice else { throw error }
            state = .waiting(reason: "waiting for \(path): \(Self.shortReason(error))")
            lastFailure = state.description
            logger.warning("camera not present; waiting for it", metadata: ["camera.path": "\(path)"])
        }
    }

    deinit {
        stream?.stop()
    }

    /// The nominal rate of the current mode.
    public var frameRate: Double? {
        condition.lock(); defer { condition.unlock() }
        return currentMode?.framesPerSecond
    }

    /// The mode streaming now (after the driver's adjustments), nil while waiting for the device.
    public var mode: CaptureMode? {
        condition.lock(); defer { condition.unlock() }
        return currentMode
    }

    /// Buffers dequeued but not delivered (flagged corrupt by the driver, empty or truncated).
    public var skippedFrames: Int {
        condition.lock(); defer { condition.unlock() }
        return skipped
    }

    /// How many times the camera was reopened after a loss.
    public var reconnectionCount: Int {
        condition.lock(); defer { condition.unlock() }
        return reconnections
    }

    public var stateHandler: (@Sendable (SourceState) -> Void)? {
        get { condition.lock(); defer { condition.unlock() }; return handler }
        set { condition.lock(); handler = newValue; condition.unlock() }
    }

    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private var isCancelled: Bool {
        condition.lock(); defer { condition.unlock() }
        return cancelled
    }

    /// Longest single `poll`, so a cancel is noticed quickly.
    static let pollSlice = 0.04

    public func next() throws -> CapturedFrame? {
        while true {
            flushState()
            if isCancelled {
                shutDown()
                return nil
            }
            guard let stream else {
                attemptReconnection()
                continue
            }
            let now = MonotonicClock.now
            let remaining = reconnect.frameTimeout - (now - lastFrameTime)
            if remaining <= 0 {
                lose(reason: "no frame for \(Self.seconds(reconnect.frameTimeout))", errno: nil)
                continue
            }
            let slice = Int((min(remaining, Self.pollSlice) * 1000).rounded(.up))
            let events: PollEvents
            do {
                events = try stream.poll(timeoutMilliseconds: max(1, slice))
            } catch {
                lose(reason: Self.errnoReason(error), errno: error)
                continue
            }
            if events.isEmpty { continue }
            let result: DequeueResult
            do {
                result = try stream.dequeue()
            } catch {
                lose(reason: Self.errnoReason(error), errno: error)
                continue
            }
            switch result {
            case .frame(let dequeued):
                return deliver(dequeued, mode: stream.mode)
            case .skipped(let reason):
                condition.lock(); skipped += 1; condition.unlock()
                logger.debug("camera frame skipped", metadata: ["camera.path": "\(name)", "camera.reason": "\(reason)"])
                lastFrameTime = MonotonicClock.now
            case .nothing:
                if !events.isDisjoint(with: [.error, .hangup]) {
                    lose(reason: "device reported an error", errno: nil)
                }
            }
        }
    }

    private func deliver(_ frame: DequeuedFrame, mode: CaptureMode) -> CapturedFrame {
        let captureTime = MonotonicClock.now
        lastFrameTime = captureTime
        var sequence = nextSequence
        if let first = firstDriverSequence {
            let offset = Int(frame.sequence &- first)
            let candidate = connectionBase + offset
            // A driver sequence that repeats or leaps (counter reset) is replaced by our own count.
            if candidate >= nextSequence && candidate - nextSequence < 10_000 { sequence = candidate }
        } else {
            firstDriverSequence = frame.sequence
            connectionBase = nextSequence
        }
        nextSequence = sequence + 1
        var time = captureTime
        if let stamp = frame.monotonicTimestamp, abs(stamp - captureTime) < 5 { time = stamp }
        if sessionStart == nil { sessionStart = time }
        let presentation = max(lastPresentationTime, time - (sessionStart ?? time))
        lastPresentationTime = presentation
        return CapturedFrame(sequence: sequence, presentationTime: presentation, captureTime: captureTime,
                             width: mode.width, height: mode.height, payload: frame.payload, bytes: frame.bytes)
    }

    /// Opens, negotiates and starts streaming; on success the source reports `.streaming`.
    private func connect() throws(CaptureError) {
        let node = (try? system.resolvingSymlinks(name)) ?? name
        let device = try V4L2Device(path: name, system: system)
        let stream: V4L2Stream
        let wanted: CaptureMode
        do {
            let formats = try device.enumerateFormats()
            wanted = try ModeSelection.choose(from: formats, request: request, path: name)
            stream = try V4L2Stream(device: device, mode: wanted)
        } catch {
            device.close()
            throw error
        }
        if stream.mode != wanted {
            logger.notice("camera adjusted the requested mode", metadata: [
                "camera.path": "\(name)", "camera.requested": "\(wanted)", "camera.mode": "\(stream.mode)",
            ])
        }
        self.stream = stream
        condition.lock(); currentMode = stream.mode; condition.unlock()
        lastFrameTime = MonotonicClock.now
        firstDriverSequence = nil
        retryDelay = reconnect.initialDelay
        let wasWaiting = lastFailure != nil
        lastFailure = nil
        state = .streaming(mode: stream.mode.description)
        var metadata: Logger.Metadata = [
            "camera.path": "\(name)", "camera.device": "\(node)", "camera.card": "\(device.capabilities.card)",
            "camera.mode": "\(stream.mode)",
        ]
        if wasWaiting {
            condition.lock(); reconnections += 1; condition.unlock()
            metadata["camera.reconnections"] = "\(reconnectionCount)"
            logger.notice("camera back; streaming resumed", metadata: metadata)
        } else {
            logger.info("camera streaming", metadata: metadata)
        }
    }

    /// Tears the stream down after a failure and schedules the first reopening.
    private func lose(reason: String, errno: Errno?) {
        stream?.stop()
        stream = nil
        condition.lock(); currentMode = nil; condition.unlock()
        retryDelay = reconnect.initialDelay
        nextAttempt = MonotonicClock.now + retryDelay
        let message = "waiting for \(name): \(reason)"
        lastFailure = message
        state = .waiting(reason: message)
        var metadata: Logger.Metadata = [
            "camera.path": "\(name)", "camera.reason": "\(reason)",
            "camera.retry_in_s": "\(Self.seconds(retryDelay))",
        ]
        if let errno { metadata["camera.errno"] = "\(errno.name)" }
        logger.warning("camera lost; closed it and will reopen", metadata: metadata)
    }

    /// Waits until the next attempt is due (or cancel), then tries to reopen the camera once.
    private func attemptReconnection() {
        condition.lock()
        while !cancelled {
            let wait = nextAttempt - MonotonicClock.now
            if wait <= 0 { break }
            _ = condition.wait(until: Date(timeIntervalSinceNow: min(wait, 0.5)))
        }
        let stop = cancelled
        condition.unlock()
        if stop { return }
        do {
            try connect()
        } catch {
            let message = "waiting for \(name): \(Self.shortReason(error))"
            let metadata: Logger.Metadata = [
                "camera.path": "\(name)", "camera.error": "\(error)",
                "camera.retry_in_s": "\(Self.seconds(retryDelay))",
            ]
            if message != lastFailure {
                logger.warning("camera not available yet; retrying", metadata: metadata)
            } else {
                logger.debug("camera still not available", metadata: metadata)
            }
            lastFailure = message
            state = .waiting(reason: message)
            nextAttempt = MonotonicClock.now + retryDelay
            retryDelay = min(retryDelay * 2, reconnect.maximumDelay)
        }
    }

    private func shutDown() {
        if stream != nil {
            stream?.stop()
            stream = nil
            logger.info("camera closed", metadata: ["camera.path": "\(name)"])
        }
        condition.lock(); currentMode = nil; condition.unlock()
        state = .ended
        flushState()
    }

    /// Tells the state handler about a change, on the capture thread, without holding the lock.
    private func flushState() {
        guard state != reportedState, let handler = stateHandler else { return }
        reportedState = state
        handler(state)
    }

    static func shortReason(_ error: CaptureError) -> String {
        switch error {
        case .deviceNotFound: return "no such device"
        case .permissionDenied: return "permission denied"
        case .busy: return "device busy"
        case .deviceFailed(_, let operation, let errno): return "\(operation): \(errno.description.lowercased())"
        default: return error.description
        }
    }

    static func errnoReason(_ error: Errno) -> String {
        error.description.lowercased()
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\((value * 100).rounded() / 100) s"
    }
}
