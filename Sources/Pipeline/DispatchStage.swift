import Dispatch
import Foundation

/// One pipeline stage: a serial Dispatch queue that drains a bounded buffer of work items.
///
/// Producers call `submit`; the stage schedules one drain block at a time on its queue, so items are
/// processed in order, one at a time, and at most `capacity` wait. `finish()` waits until all submitted
/// work is done.
final class DispatchStage<Input: Sendable>: @unchecked Sendable {
    let name: String
    let buffer: BoundedBuffer<Input>
    private let queue: DispatchQueue
    private let body: (Input) -> Void
    private let lock = NSLock()
    private var scheduled = false
    private let group = DispatchGroup()

    init(name: String, capacity: Int, policy: BoundedBuffer<Input>.OverflowPolicy, qos: DispatchQoS = .userInitiated,
         body: @escaping (Input) -> Void) {
        self.name = name
        self.buffer = BoundedBuffer(capacity: capacity, policy: policy)
        self.queue = DispatchQueue(label: "fer-live.\(name)", qos: qos)
        self.body = body
    }

    /// Queues an item (dropping the oldest waiting one, or waiting for room, by the buffer's policy).
    /// Returns false if the item was dropped (including an evicted older one) or the stage is finished.
    @discardableResult
    func submit(_ item: Input) -> Bool {
        let evicted = buffer.put(item)
        scheduleDrain()
        return evicted == nil
    }

    /// Runs `block` on the stage's queue after the items already queued (a barrier in the stream of frames).
    func perform(_ block: @escaping @Sendable () -> Void) {
        group.enter()
        queue.async {
            block()
            self.group.leave()
        }
    }

    /// Items dropped because the stage was behind.
    var dropped: Int { buffer.dropped }

    /// Accepts no more items and waits until every queued one has been processed.
    func finish() {
        buffer.close()
        scheduleDrain()
        group.wait()
    }

    private func scheduleDrain() {
        lock.lock()
        guard !scheduled else { lock.unlock(); return }
        scheduled = true
        group.enter()
        lock.unlock()
        queue.async { self.drain() }
    }

    private func drain() {
        while true {
            while let item = buffer.poll() { body(item) }
            lock.lock()
            if buffer.count == 0 {
                scheduled = false
                lock.unlock()
                group.leave()
                return
            }
            lock.unlock()
        }
    }
}
