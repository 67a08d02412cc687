import HTTPAPI
import ServiceLifecycle

/// The local HTTP endpoint as a service. The server is started before the group runs (so a bad address fails at
/// start-up with one line); the service keeps it until graceful shutdown, then ends its event streams and closes it.
public struct HTTPService: Service {
    private let server: HTTPServer

    public init(server: HTTPServer) {
        self.server = server
    }

    public func run() async {
        try? await gracefulShutdown()
        let server = self.server
        await blockingCall { server.stop() }
    }
}
