import Dispatch

/// Runs a blocking call (a drain with a timeout, a semaphore wait) on a Dispatch thread and awaits it, so it
/// never holds one of Swift concurrency's few cooperative threads.
func blockingCall(_ body: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        DispatchQueue.global().async {
            body()
            continuation.resume()
        }
    }
}
