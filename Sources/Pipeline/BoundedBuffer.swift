import Foundation

/// A thread-safe FIFO with a fixed capacity between two pipeline stages.
///
/// When full, `put` either drops the oldest item (live sources: the newest frame matters, capture never
/// waits) or waits for room (files read as fast as the pipeline goes: nothing is lost).
public final class BoundedBuffer<Element: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: every stored var is read and written with `condition` (an NSCondition) held; a
    // condition variable is what waiting for room or for an item needs, which Mutex does not offer.
    /// What `put` does when the buffer is full.
    public enum OverflowPolicy: Sendable {
        /// Discard the oldest item and count it as dropped.
        case dropOldest
        /// Block the producer until a consumer takes an item (or the buffer is closed).
        case wait
    }

    public let capacity: Int
    public let policy: OverflowPolicy
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0
    private var closed = false
    private var droppedCount = 0

    public init(capacity: Int, policy: OverflowPolicy) {
        precondition(capacity > 0, "BoundedBuffer: capacity must be positive")
        self.capacity = capacity
        self.policy = policy
        items.reserveCapacity(capacity)
    }

    /// Items discarded by `.dropOldest` so far.
    public var dropped: Int { condition.withLock { droppedCount } }

    /// Items waiting.
    public var count: Int { condition.withLock { items.count - head } }

    /// Adds an item. Returns the item dropped to make room, if any; returns `element` itself if the buffer is closed.
    @discardableResult
    public func put(_ element: Element) -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while !closed && items.count - head >= capacity && policy == .wait {
            condition.wait()
        }
        if closed { return element }
        var evicted: Element?
        if items.count - head >= capacity {
            evicted = items[head]
            head += 1
            droppedCount += 1
        }
        if head > 0 && head == items.count { items.removeAll(keepingCapacity: true); head = 0 }
        if head >= capacity { items.removeFirst(head); head = 0 }
        items.append(element)
        condition.broadcast()
        return evicted
    }

    /// Takes the oldest item without waiting, or nil when empty.
    public func poll() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        return popLocked()
    }

    /// Takes the oldest item, waiting for one; nil once the buffer is closed and empty.
    public func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.count == head && !closed { condition.wait() }
        return popLocked()
    }

    /// No more items will be put; waiting producers and consumers wake up. Items already in stay takeable.
    public func close() {
        condition.withLock {
            closed = true
            condition.broadcast()
        }
    }

    /// True once `close()` was called.
    public var isClosed: Bool { condition.withLock { closed } }

    private func popLocked() -> Element? {
        guard head < items.count else { return nil }
        let element = items[head]
        head += 1
        if head == items.count { items.removeAll(keepingCapacity: true); head = 0 }
        condition.broadcast()
        return element
    }
}
