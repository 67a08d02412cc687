import Dispatch
import Foundation
import Logging
import Synchronization

/// SIGINT and SIGTERM ask the pipeline to stop cleanly; a second one exits at once. SIGHUP reopens log files.
final class SignalHandlers {
    private let sources: [DispatchSourceSignal]

    /// SIGINT and SIGTERM received so far, counted on the signal queue.
    private final class Count: Sendable {
        let value = Atomic<Int>(0)
    }

    init(logger: Logger, onReopen: (@Sendable () -> Void)? = nil, onStop: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "fer-live.signals")
        var sources: [DispatchSourceSignal] = []
        let received = Count()
        if let onReopen {
            signal(SIGHUP, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
            source.setEventHandler {
                logger.info("reopening log files", metadata: ["signal": "SIGHUP"])
                onReopen()
            }
            source.resume()
            sources.append(source)
        }
        for signo in [SIGINT, SIGTERM] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler {
                let count = received.value.add(1, ordering: .relaxed).newValue
                if count > 1 {
                    logger.warning("second signal: exiting now")
                    exit(130)
                }
                logger.info("stopping", metadata: ["signal": "\(signo == SIGINT ? "SIGINT" : "SIGTERM")"])
                onStop()
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func cancel() { sources.forEach { $0.cancel() } }
}
