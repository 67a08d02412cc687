import Dispatch
import Foundation
import Synchronization

/// Runs the parts of one kernel on worker threads that spin between kernels instead of sleeping, so that
/// sharing a layer costs well under a microsecond rather than a thread wake-up (`concurrentPerform`).
///
/// Part 0 runs on the caller; worker k runs part k. A worker spins for `spinNanoseconds` after its last
/// part, then sleeps until the next. One caller at a time: a second concurrent caller (another session
/// sharing a run among threads) falls back to `DispatchQueue.concurrentPerform`.
// @unchecked Sendable: `job` and `workers` are plain fields. `workers` is touched only by the caller holding `busy`;
// `job` is written before `generation` moves (sequentially consistent) and read by a worker only after it has seen
// that move and only for a part of the current job, and cleared only after `pending` says every part has finished.
final class SpinPool: @unchecked Sendable {
    /// The pool every kernel shares.
    static let shared = SpinPool()

    /// How long a worker spins after a part before it sleeps.
    static let spinNanoseconds: UInt64 = 2_000_000

    /// Moves once per job: a count shifted left 8 bits, or'ed with the job's part count (so that a worker
    /// reads both in one load).
    private let generation = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let condition = NSCondition()
    /// Workers started so far (worker k runs part k); only the caller holding `busy` adds more.
    private var workers = 0
    /// The current job, written before `generation` moves and kept until every part has finished.
    private var job: ((Int) -> Void)?

    /// Runs `body(part)` for every part in `0..<parts` and returns when all have finished.
    /// (`body` escapes: a worker may release its copy only after its part has finished.)
    func perform(_ parts: Int, _ body: @escaping (Int) -> Void) {
        guard parts > 1, parts < 256 else {
            if parts == 1 { body(0) }
            return
        }
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            // The parts run before concurrentPerform returns.
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: parts) { body($0) }
            return
        }
        let current = generation.load(ordering: .sequentiallyConsistent)
        while workers < parts - 1 {
            workers += 1
            let index = workers
            let thread = Thread { [self] in work(index, seen: current) }
            thread.start()
        }
        do {
            job = body
            pending.store(parts - 1, ordering: .sequentiallyConsistent)
            generation.store(((current >> 8) + 1) << 8 | parts, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                condition.lock()
                condition.broadcast()
                condition.unlock()
            }
            body(0)
            // A yield now and then: on a machine with fewer free cores than parts, the worker needs this one.
            var spins = 0
            while pending.load(ordering: .sequentiallyConsistent) > 0 {
                spins += 1
                if spins % 256 == 0 { sched_yield() }
            }
            job = nil
        }
        busy.store(false, ordering: .releasing)
    }

    private func work(_ index: Int, seen start: Int) {
        var seen = start
        while true {
            var spinStart = DispatchTime.now().uptimeNanoseconds
            var spins = 0
            while generation.load(ordering: .sequentiallyConsistent) == seen {
                spins += 1
                guard spins % 256 == 0 else { continue }
                sched_yield()
                if DispatchTime.now().uptimeNanoseconds - spinStart < Self.spinNanoseconds { continue }
                // Asleep until the generation moves (see `perform`: the sleeper count is raised before
                // the generation is read again, the generation moved before the count is read there).
                condition.lock()
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while generation.load(ordering: .sequentiallyConsistent) == seen { condition.wait() }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                condition.unlock()
                spinStart = DispatchTime.now().uptimeNanoseconds
            }
            seen = generation.load(ordering: .sequentiallyConsistent)
            // Only the job's own parts read `job` (it stays until they have all finished).
            if index < seen & 0xff, let job {
                job(index)
                pending.subtract(1, ordering: .sequentiallyConsistent)
            }
        }
    }
}
