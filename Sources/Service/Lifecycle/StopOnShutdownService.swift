import Dispatch
import HTTPAPI
import MQTT
import ServiceLifecycle

/// A part started before the group runs (so its set-up errors come first, in one line), kept until the group's
/// graceful shutdown, then stopped by a blocking call on a Dispatch thread (never on Swift concurrency's few).
public struct StopOnShutdownService: Service, CustomStringConvertible {
    public let description: String
    private let stop: @Sendable () -> Void

    public init(_ name: String, stop: @escaping @Sendable () -> Void) {
        self.description = name
        self.stop = stop
    }

    /// The HTTP endpoint: ends its event streams and closes the listener.
    public static func http(_ server: HTTPServer) -> Self { Self("http") { server.stop() } }

    /// The MQTT publisher: waits for the queue to drain (the pipeline, shut down before it, has sent its last
    /// events), says `offline` and disconnects.
    public static func mqtt(_ publisher: MQTTPublisher) -> Self { Self("mqtt") { publisher.shutdown() } }

    public func run() async {
        try? await gracefulShutdown()
        let stop = self.stop
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                stop()
                continuation.resume()
            }
        }
    }
}
