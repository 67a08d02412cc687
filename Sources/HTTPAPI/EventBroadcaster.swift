import Foundation
import Synchronization

/// Fans event lines out to every connected client, each with a bounded buffer: a slow client loses its oldest lines.
public final class EventBroadcaster: Sendable {
    /// Lines kept per client before the oldest are dropped.
    public let capacity: Int
    private let onDrop: @Sendable (Int) -> Void
    private let registry = Mutex(Clients())

    private struct Clients {
        var streams: [Int: AsyncStream<String>.Continuation] = [:]
        var nextID = 0
        var closed = false
    }

    /// `onDrop` is told how many lines a slow client lost (for a counter).
    public init(capacity: Int = 256, onDrop: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.capacity = max(1, capacity)
        self.onDrop = onDrop
    }

    /// Clients connected now.
    public var clientCount: Int { registry.withLock { $0.streams.count } }

    /// A stream of the lines published from now on; it ends when the broadcaster closes.
    public func subscribe() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(capacity))
        let id: Int? = registry.withLock { r in
            guard !r.closed else { return nil }
            r.nextID += 1
            r.streams[r.nextID] = continuation
            return r.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.registry.withLock { $0.streams.removeValue(forKey: id) }
        }
        return stream
    }

    /// Whether anyone listens (so callers can skip encoding).
    public var hasClients: Bool { registry.withLock { !$0.streams.isEmpty } }

    /// Sends one line (without newline) to every client.
    public func publish(_ line: String) {
        let targets = registry.withLock { Array($0.streams.values) }
        var dropped = 0
        for client in targets {
            if case .dropped = client.yield(line) { dropped += 1 }
        }
        if dropped > 0 { onDrop(dropped) }
    }

    /// Ends every stream and refuses new clients (at shutdown, so open requests finish).
    public func close() {
        let targets: [AsyncStream<String>.Continuation] = registry.withLock { r in
            r.closed = true
            defer { r.streams.removeAll() }
            return Array(r.streams.values)
        }
        for client in targets { client.finish() }
    }
}
