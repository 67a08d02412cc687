import Capture
import Dispatch
import Foundation
import Logging
import Pipeline

/// Watches the pipeline for systemd: READY=1 at the first analysed frame, STATUS= with fps, faces and the
/// camera state, WATCHDOG=1 only while frames flow (or while an unplugged camera is waited for), STOPPING=1.
///
/// Add it to the pipeline's frame sinks and event sinks, call `start()`, and `stopping()` on shutdown.
public final class ServiceMonitor: FrameSink, EventSink, @unchecked Sendable {
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
    private let lock = NSLock()
    private var ready = false
    private var stopped = false
    private var source: SourceState?
    private var fps = 0.0
    private var faces = 0
    private var lastFrame: Double?
    /// The last frame, or the last source state change (a camera that just came back gets a fresh grace period).
    private var lastProgress: Double
    private var lastStatus: String?
    private var sendFailures = 0
    private var timer: DispatchSourceTimer?

    /// A monitor sending to `notifier` (nil: nothing is sent, `health` still works).
    public init(notifier: SystemdNotifier?, logger: Logger, options: Options? = nil,
                clock: @escaping @Sendable () -> Double = { MonotonicClock.now }) {
        self.notifier = notifier
        self.logger = logger
        self.options = options ?? Options(watchdogTimeout: notifier?.watchdogTimeout)
        self.clock = clock
        self.lastProgress = clock()
    }

    /// Starts the periodic WATCHDOG=1 / STATUS= rounds.
    public func start() {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "fer-live.watchdog", qos: .userInitiated))
        timer.schedule(deadline: .now() + options.interval, repeating: options.interval, leeway: .milliseconds(20))
        timer.setEventHandler { [weak self] in self?.tick() }
        lock.withLock { self.timer = timer }
        timer.resume()
    }

    /// The state now, for STATUS lines and /healthz.
    public var health: ServiceHealth { lock.withLock { healthLocked(now: clock()) } }

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
        let message: [String]? = lock.withLock {
            self.faces = faces
            self.fps = fps
            lastFrame = now
            lastProgress = now
            guard !ready, !stopped else { return nil }
            ready = true
            return ["READY=1", statusLineLocked(now: now)]
        }
        if let message { send(message) }
    }

    /// Records a source state; a camera being waited for counts as ready and is reported at once.
    public func sourceChanged(_ state: SourceState) {
        let now = clock()
        let message: [String]? = lock.withLock {
            guard !stopped, source != state else { return nil }
            source = state
            lastProgress = now
            var lines: [String] = []
            if case .waiting = state, !ready {
                ready = true  // up and healthy, waiting for the camera: systemd must not time the start out
                lines.append("READY=1")
            }
            lines.append(statusLineLocked(now: now))
            return lines
        }
        if let message { send(message) }
    }

    /// One round: WATCHDOG=1 if healthy, STATUS= when it changed. The timer calls it; tests may too.
    public func tick() {
        let now = clock()
        let message: [String] = lock.withLock {
            guard !stopped else { return [] }
            let health = healthLocked(now: now)
            var lines: [String] = []
            if health.healthy && notifier?.watchdogTimeout != nil { lines.append("WATCHDOG=1") }
            if health.status != lastStatus { lines.append(statusLineLocked(now: now)) }
            return lines
        }
        if !message.isEmpty { send(message) }
    }

    /// Sends STOPPING=1 and stops pinging; later calls do nothing.
    public func stopping() {
        let (first, timer): (Bool, DispatchSourceTimer?) = lock.withLock {
            guard !stopped else { return (false, nil) }
            stopped = true
            let timer = self.timer
            self.timer = nil
            return (true, timer)
        }
        guard first else { return }
        timer?.cancel()
        send(["STOPPING=1", "STATUS=stopping"])
    }

    // MARK: - Internals

    private func healthLocked(now: Double) -> ServiceHealth {
        var waiting = false
        if case .waiting? = source { waiting = true }
        let stalled = ready && !waiting && now - lastProgress > options.stallTimeout
        return ServiceHealth(ready: ready, source: source, fps: fps, faces: faces,
                             lastFrameAge: lastFrame.map { now - $0 }, stalled: stalled, stopping: stopped)
    }

    private func statusLineLocked(now: Double) -> String {
        let status = healthLocked(now: now).status
        lastStatus = status
        return "STATUS=" + status
    }

    private func send(_ lines: [String]) {
        guard let notifier else { return }
        do {
            try notifier.send(lines)
        } catch {
            let count = lock.withLock { sendFailures += 1; return sendFailures }
            if count == 1 || count % 100 == 0 {
                logger.warning("\(error)", metadata: ["notify.failures": "\(count)"])
            }
        }
    }
}
