import Foundation
import Pipeline
import XCTest

final class BoundedBufferTests: XCTestCase {
    func testDropOldestKeepsTheNewestAndCountsDrops() {
        let buffer = BoundedBuffer<Int>(capacity: 2, policy: .dropOldest)
        XCTAssertNil(buffer.put(1))
        XCTAssertNil(buffer.put(2))
        XCTAssertEqual(buffer.put(3), 1)
        XCTAssertEqual(buffer.put(4), 2)
        XCTAssertEqual(buffer.dropped, 2)
        XCTAssertEqual(buffer.poll(), 3)
        XCTAssertEqual(buffer.poll(), 4)
        XCTAssertNil(buffer.poll())
    }

    func testWaitPolicyBlocksTheProducerUntilThereIsRoom() {
        let buffer = BoundedBuffer<Int>(capacity: 1, policy: .wait)
        buffer.put(1)
        let putDone = expectation(description: "second put returns")
        let started = Date()
        let elapsed = LockedValue(0.0)
        Thread {
            buffer.put(2)
            elapsed.set(Date().timeIntervalSince(started))
            putDone.fulfill()
        }.start()
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(buffer.count, 1, "the producer must still be waiting")
        XCTAssertEqual(buffer.take(), 1)
        wait(for: [putDone], timeout: 2)
        XCTAssertGreaterThanOrEqual(elapsed.get(), 0.15)
        XCTAssertEqual(buffer.take(), 2)
        XCTAssertEqual(buffer.dropped, 0)
    }

    func testCloseWakesAWaitingConsumerAndKeepsQueuedItems() {
        let buffer = BoundedBuffer<Int>(capacity: 4, policy: .wait)
        buffer.put(7)
        buffer.close()
        XCTAssertEqual(buffer.take(), 7)
        XCTAssertNil(buffer.take())
        XCTAssertEqual(buffer.put(8), 8, "a closed buffer hands the item back")

        let empty = BoundedBuffer<Int>(capacity: 1, policy: .wait)
        let woke = expectation(description: "take returns nil")
        Thread {
            XCTAssertNil(empty.take())
            woke.fulfill()
        }.start()
        Thread.sleep(forTimeInterval: 0.1)
        empty.close()
        wait(for: [woke], timeout: 2)
    }
}

/// A value shared with a test thread.
final class LockedValue<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func get() -> T { lock.withLock { value } }
    func set(_ v: T) { lock.withLock { value = v } }
    func update(_ body: (inout T) -> Void) { lock.withLock { body(&value) } }
}
