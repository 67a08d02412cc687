import Foundation

/// Fans event lines out to every connected client, each with a bounded buffer: a slow client loses its oldest lines.
public final class EventBroadcaster: @unchecked Sendable {
    /// Lines kept per client before the oldest are dropped.
    public let capacity: Int
    private let lock = NSLock()
    private var clients: [Int: AsyncStream<String>.Continuation] = [:]
    private var nextID = 0
    private var closed = false
    private let onDrop: @Sendable (Int) -> Void

    /// `onDrop` is told how many lines a slow client lost (for a counter).
    public init(capacity: Int = 256, onDrop: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.capacity = max(1, capacity)
        self.onDrop = onDrop
    }

    /// Clients connected now.
    public var clientCount: Int { lock.withLock { clients.count } }

    /// A stream of the lines published from now on; it ends when the broadcaster closes.
    public func subscribe() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(capacity))
        let id: Int? = lock.withLock {
            guard !closed else { return nil }
            nextID += 1
            clients[nextID] = continuation
            return nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            _ = self.lock.withLock { self.clients.removeValue(forKey: id) }
        }
        return stream
    }

    /// Whether anyone listens (so callers can skip encoding).
    public var hasClients: Bool { lock.withLock { !clients.isEmpty } }

    /// Sends one line (without newline) to every client.
    public func publish(_ line: String) {
        let targets = lock.withLock { Array(clients.values) }
        var dropped = 0
        for client in targets {
            if case .dropped = client.yield(line) { dropped += 1 }
        }
        if dropped > 0 { onDrop(dropped) }
    }

    /// Ends every stream and refuses new clients (at shutdown, so open requests finish).
    public func close() {
        let targets: [AsyncStream<String>.Continuation] = lock.withLock {
            closed = true
            defer { clients.removeAll() }
            return Array(clients.values)
        }
        for client in targets { client.finish() }
    }
}
