import CMosquitto
import Foundation
import Synchronization

/// Eclipse Mosquitto's client library (libmosquitto) in its threaded mode: connect and reconnect with backoff,
/// publish, and the connect / disconnect / publish-acknowledged callbacks on its network thread.
final class MosquittoClient: @unchecked Sendable {
    // @unchecked Sendable: the only state is libmosquitto's handle, which the library locks itself once
    // mosquitto_loop_start runs (publish and disconnect are documented as safe from any thread), and the
    // callbacks, which are immutable.

    /// What the network thread reports.
    struct Callbacks: Sendable {
        /// CONNACK: 0 accepted, otherwise the refusal code (`mosquitto_connack_string`).
        var connected: @Sendable (Int32) -> Void
        /// The connection is gone: 0 when asked for, otherwise the reason (`mosquitto_strerror`).
        var disconnected: @Sendable (Int32) -> Void
        /// The broker acknowledged message `mid` (QoS 1/2), or it was written (QoS 0).
        var published: @Sendable (Int32) -> Void
    }

    private let handle: OpaquePointer
    private let callbacks: Callbacks
    /// Set by `stop()`: no more first-connection attempts.
    private let stopped = Mutex(false)

    private static let initialised: Void = { mosquitto_lib_init() }()
    /// The longest wait between connection attempts (seconds): a broker back after an outage is found within this.
    static let maximumRetryDelay: UInt32 = 10

    init(settings: MQTTSettings, will: (topic: String, payload: String), callbacks: Callbacks) throws(MQTTError) {
        _ = Self.initialised
        guard let handle = mosquitto_new(settings.clientID, true, nil) else {
            throw .library("client", "cannot create a client (out of memory or a bad client id)")
        }
        self.handle = handle
        self.callbacks = callbacks
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        try check("will", will.payload.withCString { p in
            mosquitto_will_set(handle, will.topic, Int32(strlen(p)), p, Int32(settings.qos), true)
        })
        if let user = settings.username {
            try check("credentials", mosquitto_username_pw_set(handle, user, settings.password))
        }
        if settings.tls {
            let caPath = settings.caFile == nil ? "/etc/ssl/certs" : nil
            try check("TLS", mosquitto_tls_set(handle, settings.caFile, caPath, nil, nil, nil))
        }
        mosquitto_reconnect_delay_set(handle, 1, Self.maximumRetryDelay, true)
        mosquitto_connect_callback_set(handle) { _, user, rc in
            guard let user else { return }
            Unmanaged<MosquittoClient>.fromOpaque(user).takeUnretainedValue().callbacks.connected(rc)
        }
        mosquitto_disconnect_callback_set(handle) { _, user, rc in
            guard let user else { return }
            Unmanaged<MosquittoClient>.fromOpaque(user).takeUnretainedValue().callbacks.disconnected(rc)
        }
        mosquitto_publish_callback_set(handle) { _, user, mid in
            guard let user else { return }
            Unmanaged<MosquittoClient>.fromOpaque(user).takeUnretainedValue().callbacks.published(mid)
        }
    }

    deinit {
        mosquitto_loop_stop(handle, true)
        mosquitto_destroy(handle)
    }

    /// Starts the network thread and the first connection attempt. Once a connection was under way, the network
    /// thread reconnects by itself with backoff (1 s doubling to 10 s); a first attempt that fails at once (connection refused,
    /// a name that does not resolve yet) is retried here with the same backoff.
    func start(host: String, port: Int, keepAlive: Int) throws(MQTTError) {
        try check("network thread", mosquitto_loop_start(handle))
        connect(host: host, port: port, keepAlive: keepAlive, retryAfter: 1)
    }

    private func connect(host: String, port: Int, keepAlive: Int, retryAfter delay: Double) {
        if stopped.withLock({ $0 }) { return }
        let rc = mosquitto_connect_async(handle, host, Int32(port), Int32(keepAlive))
        guard rc != MOSQ_ERR_SUCCESS.rawValue else { return }
        callbacks.disconnected(rc)
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [weak self] in
            self?.connect(host: host, port: port, keepAlive: keepAlive, retryAfter: min(delay * 2, Double(Self.maximumRetryDelay)))
        }
    }

    /// Hands one message to the library; returns its message id, or the error code (e.g. not connected).
    func publish(topic: String, payload: String, qos: Int, retain: Bool) -> Result<Int32, MQTTPublishFailure> {
        var mid: Int32 = 0
        let rc = payload.withCString { p in
            mosquitto_publish(handle, &mid, topic, Int32(strlen(p)), p, Int32(qos), retain)
        }
        return rc == MOSQ_ERR_SUCCESS.rawValue ? .success(mid) : .failure(MQTTPublishFailure(code: rc))
    }

    /// Closes the connection cleanly (no last will) and stops the network thread.
    func stop() {
        stopped.withLock { $0 = true }
        mosquitto_disconnect(handle)
        mosquitto_loop_stop(handle, false)
    }

    private func check(_ op: String, _ rc: Int32) throws(MQTTError) {
        if rc != MOSQ_ERR_SUCCESS.rawValue { throw .library(op, Self.message(rc)) }
    }

    /// libmosquitto's text for an error code (with errno's for `MOSQ_ERR_ERRNO`).
    static func message(_ rc: Int32) -> String {
        if rc == MOSQ_ERR_ERRNO.rawValue { return String(cString: strerror(errno)) }
        return String(cString: mosquitto_strerror(rc))
    }

    /// The broker's reason for refusing a connection (CONNACK code).
    static func refusal(_ rc: Int32) -> String { String(cString: mosquitto_connack_string(rc)) }
}

/// libmosquitto's refusal of one publish (`MOSQ_ERR_NO_CONN` while the broker is away, ...).
struct MQTTPublishFailure: Error {
    var code: Int32
    var isNotConnected: Bool { code == MOSQ_ERR_NO_CONN.rawValue || code == MOSQ_ERR_CONN_LOST.rawValue }
}
