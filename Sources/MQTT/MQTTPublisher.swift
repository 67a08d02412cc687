import DequeModule
import Dispatch
import Foundation
import Logging
import Pipeline
import Synchronization

/// Publishes the pipeline's events to an MQTT broker (Frigate-shaped events, retained state, stats, Home
/// Assistant discovery, `available` with a last will) without ever making the pipeline wait.
///
/// Messages go into a bounded queue; they are handed to libmosquitto only while connected, at most
/// `window` unacknowledged at a time, in order. While the broker is away they wait in the queue; when the
/// queue is full the oldest is dropped and counted (`dropped`). Messages already handed over survive a
/// reconnect inside libmosquitto, which sends them again (QoS 1: at least once).
public final class MQTTPublisher: EventSink, Sendable {
    public let settings: MQTTSettings
    private let logger: Logger
    private let state: Mutex<State>
    private let pumping = DispatchQueue(label: "fer-live.mqtt.publish")
    private let clock: @Sendable () -> Double
    /// Unacknowledged messages handed to the library at once.
    static let window = 64

    private struct State: Sendable {
        var client: MosquittoClient?
        var connected = false
        var everConnected = false
        var queue = Deque<MQTTMessage>()
        var inFlight: [Int32: MQTTMessage] = [:]
        var earlyAcks: Set<Int32> = []
        var messages: FrigateMessages
        var counts = MQTTStatistics()
        var lastProblem: String?
        /// True while the spool file holds every undelivered message (the broker is away, or a previous run's
        /// messages are not all delivered yet): a crash then loses nothing that was handed over.
        var spooling = false
    }

    /// `clock`: wall-clock seconds since 1970 (tests pass their own).
    public init(settings: MQTTSettings, logger: Logger,
                clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.settings = settings
        self.logger = logger
        self.clock = clock
        spoolFile = settings.stateDirectory.map {
            URL(fileURLWithPath: $0).appendingPathComponent("mqtt-\(settings.camera).queue.jsonl").path
        }
        state = Mutex(State(messages: FrigateMessages(prefix: settings.prefix, camera: settings.camera)))
    }

    /// The `available` topic (`online` / `offline`, retained; `offline` is also the last will).
    public var availabilityTopic: String { "\(settings.prefix)/available" }

    /// The file undelivered messages wait in between runs: `STATE_DIR/mqtt-CAMERA.queue.jsonl`.
    public let spoolFile: String?

    /// Creates the client and starts connecting in the background; throws only for settings the library refuses
    /// (a bad CA file, ...). An unreachable broker is retried with backoff, never an error. Messages a previous run
    /// left in the state directory go first.
    public func start() throws(MQTTError) {
        restoreSpool()
        let client = try MosquittoClient(
            settings: settings, will: (availabilityTopic, "offline"),
            callbacks: .init(
                connected: { [weak self] rc in self?.connected(rc) },
                disconnected: { [weak self] rc in self?.disconnected(rc) },
                published: { [weak self] mid in self?.acknowledged(mid) }))
        state.withLock { $0.client = client }
        try client.start(host: settings.host, port: settings.port, keepAlive: settings.keepAlive)
    }

    // MARK: EventSink

    public func handle(_ event: PipelineEvent) {
        let now = clock()
        let messages = state.withLock { $0.messages.messages(for: event, now: now) }
        enqueue(messages)
    }

    public func flush() {}

    /// Counts so far.
    public var statistics: MQTTStatistics {
        state.withLock { s in
            var c = s.counts
            c.queued = s.queue.count + s.inFlight.count
            c.connected = s.connected
            return c
        }
    }

    /// Waits up to `timeout` seconds for the queue to drain (and for the broker, if it is away), then says
    /// `offline` (retained) and disconnects. What is still undelivered goes to the state directory, if there is one.
    public func shutdown(timeout: Double = 5) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let pending = state.withLock { $0.queue.count + $0.inFlight.count }
            if pending == 0 { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        let (client, left, connected) = state.withLock { s in
            (s.client, s.queue.count + s.inFlight.count, s.connected)
        }
        guard let client else { return }
        if connected {
            _ = client.publish(topic: availabilityTopic, payload: "offline", qos: settings.qos, retain: true)
            // Give the offline message its round trip before the socket closes.
            let until = Date().addingTimeInterval(min(1, timeout))
            while Date() < until, state.withLock({ !$0.inFlight.isEmpty }) { Thread.sleep(forTimeInterval: 0.01) }
        }
        client.stop()
        state.withLock { $0.client = nil; $0.connected = false }
        if left > 0 {
            if let kept = saveSpool() {
                logger.notice("MQTT: \(kept) undelivered messages kept for the next start", metadata: [
                    "mqtt.spool": "\(spoolFile ?? "")", "mqtt.undelivered": "\(kept)",
                ])
            } else {
                state.withLock { $0.counts.dropped += left }
                logger.warning("MQTT: \(left) messages not delivered at shutdown (set a state directory to keep them)", metadata: [
                    "mqtt.broker": "\(settings.host):\(settings.port)", "mqtt.undelivered": "\(left)",
                ])
            }
        }
    }

    // MARK: Spool (state directory)

    /// Writes the unacknowledged and queued messages, oldest first; returns how many, or nil without a state directory.
    private func saveSpool() -> Int? {
        guard let path = spoolFile else { return nil }
        let (messages, written) = state.withLock { s -> ([MQTTMessage], Bool) in
            defer { s.inFlight.removeAll(); s.queue.removeAll(); s.spooling = false }
            let messages = Self.pending(s)
            return (messages, Self.write(messages, to: path))
        }
        guard written else {
            logger.error("MQTT: cannot keep undelivered messages in \(path)")
            state.withLock { $0.counts.dropped += messages.count }
            return 0
        }
        return messages.count
    }

    /// Everything undelivered, oldest first: in-flight messages were handed over before the queued ones.
    private static func pending(_ s: State) -> [MQTTMessage] {
        s.inFlight.sorted { $0.key < $1.key }.map(\.value) + Array(s.queue)
    }

    private static func line(_ m: MQTTMessage) -> String {
        AnyJSON.object(["topic": .string(m.topic), "payload": .string(m.payload), "retain": .bool(m.retain)]).text + "\n"
    }

    /// Replaces the spool with `messages` (atomically); false when it cannot be written.
    private static func write(_ messages: [MQTTMessage], to path: String) -> Bool {
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try messages.map(line).joined().write(toFile: path, atomically: true, encoding: .utf8)
            return true
        } catch {
            return false
        }
    }

    /// Appends `messages` to the spool.
    private static func append(_ messages: [MQTTMessage], to path: String) {
        guard let handle = FileHandle(forWritingAtPath: path) else { _ = write(messages, to: path); return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(messages.map(line).joined().utf8))
    }

    /// Puts a previous run's undelivered messages at the front of the queue and removes the file.
    private func restoreSpool() {
        guard let path = spoolFile, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        var restored: [MQTTMessage] = []
        var bad = 0
        for line in text.split(separator: "\n") {
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let topic = o["topic"] as? String, let payload = o["payload"] as? String else { bad += 1; continue }
            restored.append(MQTTMessage(topic: topic, payload: payload, retain: o["retain"] as? Bool ?? false))
        }
        if bad > 0 { logger.warning("MQTT: \(bad) damaged lines in \(path) skipped") }
        guard !restored.isEmpty else {
            try? FileManager.default.removeItem(atPath: path)
            return
        }
        // The file stays until everything in it is delivered (and takes the new messages meanwhile).
        state.withLock { s in
            for m in restored.reversed() { s.queue.prepend(m) }
            while s.queue.count > settings.queueLimit { s.queue.removeFirst(); s.counts.dropped += 1 }
            s.spooling = Self.write(Array(s.queue), to: path)
        }
        logger.notice("MQTT: \(restored.count) messages from the last run queued first", metadata: ["mqtt.spool": "\(path)"])
    }

    // MARK: Queue

    func enqueue(_ messages: [MQTTMessage]) {
        guard !messages.isEmpty else { return }
        let spool = spoolFile
        let dropped = state.withLock { s -> Int in
            var dropped = 0
            for message in messages {
                s.queue.append(message)
                if s.queue.count > settings.queueLimit {
                    s.queue.removeFirst()
                    dropped += 1
                }
            }
            s.counts.dropped += dropped
            // Written under the lock, so that the file keeps the queue's order.
            if s.spooling, let spool { Self.append(messages, to: spool) }
            return dropped
        }
        if dropped > 0 {
            logger.warning("MQTT queue full: oldest messages dropped", metadata: [
                "mqtt.dropped": "\(dropped)", "mqtt.queue_limit": "\(settings.queueLimit)",
            ])
        }
        pumping.async { self.pump() }
    }

    /// Hands queued messages to the library in order while connected and the window has room. Runs on `pumping`.
    private func pump() {
        while true {
            let next: (MQTTMessage, MosquittoClient)? = state.withLock { s in
                guard s.connected, let client = s.client, s.inFlight.count < Self.window,
                      let message = s.queue.popFirst() else { return nil }
                return (message, client)
            }
            guard let (message, client) = next else { return }
            switch client.publish(topic: message.topic, payload: message.payload, qos: settings.qos, retain: message.retain) {
            case .success(let mid):
                record(mid, message)
            case .failure(let failure):
                state.withLock { s in
                    s.queue.prepend(message)
                    if failure.isNotConnected { s.connected = false }
                }
                return
            }
        }
    }

    private func record(_ mid: Int32, _ message: MQTTMessage) {
        state.withLock { s in
            if settings.qos == 0 || s.earlyAcks.remove(mid) != nil {
                s.counts.sent += 1
            } else {
                s.inFlight[mid] = message
            }
        }
    }

    // MARK: Callbacks (libmosquitto's network thread)

    private func connected(_ rc: Int32) {
        guard rc == 0 else {
            report("MQTT broker \(settings.host):\(settings.port) refused the connection: \(MosquittoClient.refusal(rc)); retrying")
            return
        }
        let (first, client) = state.withLock { s -> (Bool, MosquittoClient?) in
            s.connected = true
            s.lastProblem = nil
            defer { s.everConnected = true }
            s.counts.connections += 1
            return (!s.everConnected, s.client)
        }
        logger.notice(first ? "MQTT connected" : "MQTT reconnected", metadata: [
            "mqtt.broker": "\(settings.host):\(settings.port)", "mqtt.client_id": "\(settings.clientID)",
        ])
        // Online and the discovery configs go straight out (retained; order against events does not matter).
        if let client {
            var direct = [MQTTMessage(topic: availabilityTopic, payload: "online", retain: true)]
            if settings.discovery { direct += HomeAssistantDiscovery.messages(settings) }
            direct.append(state.withLock { $0.messages.state(clock()) })
            for m in direct {
                if case .success(let mid) = client.publish(topic: m.topic, payload: m.payload, qos: settings.qos, retain: m.retain) {
                    record(mid, m)
                }
            }
        }
        pumping.async { self.pump() }
    }

    private func disconnected(_ rc: Int32) {
        let spool = spoolFile
        let wasConnected = state.withLock { s -> Bool in
            defer { s.connected = false }
            // From now on the spool mirrors everything undelivered (a crash during the outage loses nothing).
            if rc != 0, !s.spooling, let spool {
                s.spooling = Self.write(Self.pending(s), to: spool)
            }
            return s.connected
        }
        guard rc != 0 else { return }
        if wasConnected {
            report("MQTT connection to \(settings.host):\(settings.port) lost (\(MosquittoClient.message(rc))); queueing events and retrying")
        } else {
            report("MQTT broker \(settings.host):\(settings.port) not reachable (\(MosquittoClient.message(rc))); retrying with backoff")
        }
    }

    private func acknowledged(_ mid: Int32) {
        // QoS 0 has no acknowledgement: the callback only says the message was written (counted when handed over).
        guard settings.qos > 0 else { return }
        let spool = spoolFile
        state.withLock { s in
            if s.inFlight.removeValue(forKey: mid) != nil {
                s.counts.sent += 1
            } else {
                s.earlyAcks.insert(mid)
            }
            if s.spooling, s.connected, s.queue.isEmpty, s.inFlight.isEmpty, let spool {
                try? FileManager.default.removeItem(atPath: spool)
                s.spooling = false
            }
        }
        pumping.async { self.pump() }
    }

    /// Logs a connection problem once until it changes (a broker down for an hour is one line, not thousands).
    private func report(_ problem: String) {
        let isNew = state.withLock { s -> Bool in
            defer { s.lastProblem = problem }
            return s.lastProblem != problem
        }
        if isNew { logger.warning("\(problem)", metadata: ["mqtt.broker": "\(settings.host):\(settings.port)"]) }
    }
}

/// What the publisher has done so far.
public struct MQTTStatistics: Sendable, Equatable {
    /// Messages the broker acknowledged.
    public var sent = 0
    /// Messages dropped because the queue was full (the broker away too long).
    public var dropped = 0
    /// Messages waiting or unacknowledged.
    public var queued = 0
    /// Successful connections (1 + reconnections).
    public var connections = 0
    public var connected = false
}
