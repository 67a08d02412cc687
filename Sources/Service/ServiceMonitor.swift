import Capture
@preconcurrency import Dispatch  // DispatchSourceTimer is thread-safe but not marked Sendable in corelibs-dispatch
import Foundation
import Synchronization
import Logging
import Pipeline

/// Watches the pipeline for systemd: READY=1 at the first analysed frame, STATUS= with fps, faces and the
/// camera state, WATCHDOG=1 only while frames flow (or while an unplugged camera is waited for), STOPPING=1.
///
/// Add it to the pipeline's frame sinks and event sinks, call `start()`, and `stopping()` on shutdown.
public final class ServiceMonitor: FrameSink, EventSink, Sendable {
    /// When to ping and when to call the pipeline stalled.
    public struct Options: Sendable {
        /// Seconds between two rounds of WATCHDOG=1 + STATUS= (half the watchdog timeout, else 1 s).
        public var interval: Double
        /// Seconds without a frame after which a source that is not waiting is stalled (pings stop).
        public var stallTimeout: Double

        public init(interval: Double, stallTimeout: Double) {
            self.interval = interval
            self.stallTimeout = stallTimeout
        }

        /// The defaults for a watchdog timeout: ping at half of it, stalled after max(2 s, half of it).
        public init(watchdogTimeout: Double?) {
            interval = watchdogTimeout.map { $0 / 2 } ?? 1
            stallTimeout = max(2, (watchdogTimeout ?? 0) / 2)
        }
    }

    private let notifier: SystemdNotifier?
    private let logger: Logger
    private let clock: @Sendable () -> Double
    public let options: Options
    private let state: Mutex<State>

    /// What the sinks record and the rounds read.
    private struct State {
        var ready = false
        var stopped = false
        var source: SourceState?
        var fps = 0.0
        var faces = 0
        var lastFrame: Double?
        /// The last frame, or the last source state change (a camera that just came back gets a fresh grace period).
        var lastProgress: Double
        var lastStatus: String?
        var sendFailures = 0
        var timer: DispatchSourceTimer?
    }

    /// A monitor sending to `notifier` (nil: nothing is sent, `health` still works).
    public init(notifier: SystemdNotifier?, logger: Logger, options: Options? = nil,
                clock: @escaping @Sendable () -> Double = { MonotonicClock.now }) {
        self.notifier = notifier
        self.logger = logger
        self.options = options ?? Options(watchdogTimeout: notifier?.watchdogTimeout)
        self.clock = clock
        state = Mutex(State(lastProgress: clock()))
    }

    /// Starts the periodic WATCHDOG=1 / STATUS= rounds.
    public func start() {
        // A @Sendable handler keeps the timer out of this object's isolation region, so the state can own it.
        let round: @Sendable () -> Void = { [weak self] in self?.tick() }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "fer-live.watchdog", qos: .userInitiated))
        timer.schedule(deadline: .now() + options.interval, repeating: options.interval, leeway: .milliseconds(20))
        timer.setEventHandler(handler: round)
        timer.resume()
        state.withLock { $0.timer = timer }
    }

    /// The state now, for STATUS lines and /healthz.
    public var health: ServiceHealth {
        let now = clock()
        return state.withLock { Self.health($0, now: now, stallTimeout: options.stallTimeout) }
    }

    // MARK: - Sinks

    public func handle(_ result: FrameResult) {
        frameAnalysed(faces: result.analysis.faces.count, fps: result.fps)
    }

    public func handle(_ event: PipelineEvent) {
        if case .source(let state, _) = event { sourceChanged(state) }
    }

    public func flush() {}

    /// Records an analysed frame; the first one sends READY=1.
    public func frameAnalysed(faces: Int, fps: Double) {
        let now = clock()
        let message: [String]? = state.withLock { s in
            s.faces = faces
            s.fps = fps
            s.lastFrame = now
            s.lastProgress = now
            guard !s.ready, !s.stopped else { return nil }
            s.ready = true
            return ["READY=1", statusLine(&s, now: now)]
        }
        if let message { send(message) }
    }

    /// Records a source state; a camera being waited for counts as ready and is reported at once.
    public func sourceChanged(_ newState: SourceState) {
        let now = clock()
        let message: [String]? = state.withLock { s in
            guard !s.stopped, s.source != newState else { return nil }
            s.source = newState
            s.lastProgress = now
            var lines: [String] = []
            if case .waiting = newState, !s.ready {
                s.ready = true  // up and healthy, waiting for the camera: systemd must not time the start out
                lines.append("READY=1")
            }
            lines.append(statusLine(&s, now: now))
            return lines
        }
        if let message { send(message) }
    }

    /// One round: WATCHDOG=1 if healthy, STATUS= when it changed. The timer calls it; tests may too.
    public func tick() {
        let now = clock()
        let pings = notifier?.watchdogTimeout != nil
        let message: [String] = state.withLock { s in
            guard !s.stopped else { return [] }
            let health = Self.health(s, now: now, stallTimeout: options.stallTimeout)
            var lines: [String] = []
            if health.healthy && pings { lines.append("WATCHDOG=1") }
            if health.status != s.lastStatus { lines.append(statusLine(&s, now: now)) }
            return lines
        }
        if !message.isEmpty { send(message) }
    }

    /// Sends STOPPING=1 and stops pinging; later calls do nothing.
    public func stopping() {
        let (first, timer): (Bool, DispatchSourceTimer?) = state.withLock { s in
            guard !s.stopped else { return (false, nil) }
            s.stopped = true
            defer { s.timer = nil }
            return (true, s.timer)
        }
        guard first else { return }
        timer?.cancel()
        send(["STOPPING=1", "STATUS=stopping"])
    }

    // MARK: - Internals

    private static func health(_ s: State, now: Double, stallTimeout: Double) -> ServiceHealth {
        var waiting = false
        if case .waiting? = s.source { waiting = true }
        let stalled = s.ready && !waiting && now - s.lastProgress > stallTimeout
        return ServiceHealth(ready: s.ready, source: s.source, fps: s.fps, faces: s.faces,
                             lastFrameAge: s.lastFrame.map { now - $0 }, stalled: stalled, stopping: s.stopped)
    }

    private func statusLine(_ s: inout State, now: Double) -> String {
        let status = Self.health(s, now: now, stallTimeout: options.stallTimeout).status
        s.lastStatus = status
        return "STATUS=" + status
    }

    private func send(_ lines: [String]) {
        guard let notifier else { return }
        do {
            try notifier.send(lines)
        } catch {
            let count = state.withLock { s in
                s.sendFailures += 1
                return s.sendFailures
            }
            if count == 1 || count % 100 == 0 {
                logger.warning("\(error)", metadata: ["notify.failures": "\(count)"])
            }
        }
    }
}
