import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The local HTTP endpoint (Hummingbird): the live page `/`, `/metrics`, `/healthz`, `/api/v1/tracks`, `/api/v1/summary`,
/// `/api/v1/events`, `/snapshot.jpg` and `POST /api/v1/analyze`.
///
/// It runs on Swift concurrency's threads, beside the pipeline; `start()` returns once it listens, `stop()` ends
/// the event streams and closes the listener.
public final class HTTPServer: Sendable {
    public let address: HTTPAddress
    public let state: LiveState
    private let logger: Logger
    /// The running server: its task and service group (nil before `start()` and after `stop()`).
    private let running = Mutex<(task: Task<Void, Never>?, group: ServiceGroup?)>((nil, nil))
    private let finished = DispatchSemaphore(value: 0)

    /// Answers `POST /api/v1/analyze` (nil: the path is 404).
    public let analysis: ImageAnalysisService?

    public init(address: HTTPAddress, state: LiveState, analysis: ImageAnalysisService? = nil, logger: Logger) {
        self.address = address
        self.state = state
        self.analysis = analysis
        self.logger = logger
    }

    /// Starts listening; returns the bound port (useful with port 0). Throws when the address cannot be bound.
    @discardableResult
    public func start(timeout: Double = 10) throws(HTTPServerError) -> Int {
        let bound = BoundPort()
        let app = Application(
            router: Self.router(state: state, analysis: analysis),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "fer-live"),
            onServerRunning: { channel in bound.set(.success(channel.localAddress?.port ?? 0)) },
            logger: logger)
        let finished = self.finished
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task.detached {
            do { try await group.run() } catch { bound.set(.failure(error)) }
            bound.set(.failure(CancellationError()))
            finished.signal()
        }
        running.withLock { $0 = (task, group) }
        switch bound.wait(timeout: timeout) {
        case .success(let port)?:
            return port
        case .failure(let error)?:
            throw .cannotListen(address.description, "\(error)")
        case nil:
            task.cancel()
            throw .cannotListen(address.description, "not listening after \(timeout) s")
        }
    }

    /// Ends the event streams, stops the server and waits (up to `timeout` seconds) for it to close.
    public func stop(timeout: Double = 5) {
        state.events.close()
        let (task, group) = running.withLock { r in
            defer { r = (nil, nil) }
            return r
        }
        guard let task, let group else { return }
        // Graceful: stop accepting, let open requests finish (the event streams have just ended); then cancel.
        Task.detached { await group.triggerGracefulShutdown() }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            task.cancel()
            _ = finished.wait(timeout: .now() + 1)
        }
    }

    static func router(state: LiveState, analysis: ImageAnalysisService?) -> Router<BasicRequestContext> {
        let router = Router()
        if let analysis {
            router.post("api/v1/analyze") { request, _ -> Response in
                var request = request
                let body: ByteBuffer
                do {
                    body = try await request.collectBody(upTo: analysis.maximumBytes)
                } catch {
                    return jsonText(ImageAnalysisService.error("image is larger than \(analysis.maximumBytes) bytes"),
                                    status: .contentTooLarge)
                }
                let (status, text) = analysis.analyze(Array(buffer: body))
                return jsonText(text, status: HTTPResponse.Status(code: status))
            }
        }
        let renderer = SnapshotRenderer()
        router.get("/") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: LivePage.html)))
        }
        router.get("api/v1/summary") { _, _ -> Response in json(state.summary(), status: .ok) }
        router.get("metrics") { _, _ -> Response in
            text(state.metricsText(), type: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("healthz") { _, _ -> Response in
            let report = state.health()
            return json(report, status: report.isHealthy ? .ok : .serviceUnavailable)
        }
        router.get("api/v1/tracks") { _, _ -> Response in json(state.currentTracks(), status: .ok) }
        router.get("api/v1/events") { request, _ -> Response in
            let sse = request.headers[.accept]?.contains("text/event-stream") == true
            let lines = state.events.subscribe()
            let body = ResponseBody { writer in
                for await line in lines {
                    try await writer.write(ByteBuffer(string: sse ? "data: \(line)\n\n" : line + "\n"))
                }
                try await writer.finish(nil)
            }
            var headers = HTTPFields()
            headers[.contentType] = sse ? "text/event-stream" : "application/x-ndjson"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: body)
        }
        router.get("snapshot.jpg") { _, _ -> Response in
            guard state.allowSnapshots else {
                return text("snapshots are off: start fer-live with --allow-snapshots\n", status: .notFound)
            }
            guard let jpeg = try state.snapshotJPEG(renderer: renderer) else {
                return text("no frame yet\n", status: .serviceUnavailable)
            }
            var headers = HTTPFields()
            headers[.contentType] = "image/jpeg"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
        }
        return router
    }
}

private func text(_ body: String, type: String = "text/plain; charset=utf-8", status: HTTPResponse.Status = .ok)
    -> Response {
    var headers = HTTPFields()
    headers[.contentType] = type
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
}

private func jsonText(_ text: String, status: HTTPResponse.Status) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "application/json"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
}

private func json<T: Encodable>(_ value: T, status: HTTPResponse.Status) -> Response {
    let data = (try? JSONEncoder.api.encode(value)) ?? Data("{}".utf8)
    var headers = HTTPFields()
    headers[.contentType] = "application/json"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Array(data) + [0x0A])))
}

/// The HTTP endpoint could not start.
public enum HTTPServerError: Error, CustomStringConvertible {
    case cannotListen(String, String)

    public var description: String {
        switch self {
        case .cannotListen(let address, let reason): return "--http \(address): cannot listen: \(reason)"
        }
    }
}

/// The first outcome of starting: the bound port or the error, handed from the server task to `start()`.
private final class BoundPort: Sendable {
    private let ready = DispatchSemaphore(value: 0)
    private let value = Mutex<Result<Int, any Error>?>(nil)

    func set(_ v: Result<Int, any Error>) {
        let first = value.withLock { value -> Bool in
            guard value == nil else { return false }
            value = v
            return true
        }
        if first { ready.signal() }
    }

    func wait(timeout: Double) -> Result<Int, any Error>? {
        guard ready.wait(timeout: .now() + timeout) == .success else { return nil }
        return value.withLock { $0 }
    }
}
