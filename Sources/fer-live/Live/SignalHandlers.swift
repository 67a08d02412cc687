import Dispatch
import Foundation
import Logging

/// SIGINT and SIGTERM ask the pipeline to stop cleanly; a second one exits at once. SIGHUP reopens log files.
final class SignalHandlers: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var received = 0

    init(logger: Logger, onReopen: (@Sendable () -> Void)? = nil, onStop: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "fer-live.signals")
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
            source.setEventHandler { [self] in
                let count = lock.withLock { received += 1; return received }
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
    }

    func cancel() { sources.forEach { $0.cancel() } }
}
