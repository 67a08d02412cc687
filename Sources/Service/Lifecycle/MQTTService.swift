import MQTT
import ServiceLifecycle

/// The MQTT publisher as a service: started before the group runs; on graceful shutdown it waits for the queue to
/// drain (the pipeline, shut down before it, has sent its last events), says `offline` and disconnects.
public struct MQTTService: Service {
    private let publisher: MQTTPublisher

    public init(publisher: MQTTPublisher) {
        self.publisher = publisher
    }

    public func run() async {
        try? await gracefulShutdown()
        let publisher = self.publisher
        await blockingCall { publisher.shutdown() }
    }
}
