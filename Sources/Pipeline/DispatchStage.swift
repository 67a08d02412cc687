import Dispatch
import Foundation
import Synchronization

/// One pipeline stage: a serial Dispatch queue that drains a bounded buffer of work items.
///
/// Producers call `submit`; the stage schedules one drain block at a time on its queue, so items are
/// processed in order, one at a time, and at most `capacity` wait. `finish()` waits until all submitted
/// work is done.
final class DispatchStage<Input: Sendable>: Sendable {
    let name: String
    let buffer: BoundedBuffer<Input>
    private let queue: DispatchQueue
    private let body: @Sendable (Input) -> Void
    /// Whether a drain block is queued or running.
    private let scheduled = Mutex(false)
    private let group = DispatchGroup()

    init(name: String, capacity: Int, policy: BoundedBuffer<Input>.OverflowPolicy, qos: DispatchQoS = .userInitiated,
         body: @escaping @Sendable (Input) -> Void) {
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
        let group = self.group
        let schedule = scheduled.withLock { scheduled in
            guard !scheduled else { return false }
            scheduled = true
            group.enter()  // inside the lock: `finish()` cannot see `scheduled` set before the drain is counted
            return true
        }
        guard schedule else { return }
        queue.async { self.drain() }
    }

    private func drain() {
        while true {
            while let item = buffer.poll() { body(item) }
            let done = scheduled.withLock { scheduled in
                // Checked under the lock: an item submitted now either sees `scheduled` set or is drained here.
                guard buffer.count == 0 else { return false }
                scheduled = false
                return true
            }
            if done {
                group.leave()
                return
            }
        }
    }
}
