import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The signals the group itself does not handle: SIGHUP reopens log files (after log rotation), and a second
/// SIGINT or SIGTERM during a graceful shutdown exits at once (the first one is the group's graceful shutdown).
///
/// It is the first service of the group, so the last one shut down: it listens for the whole shutdown.
public struct SignalService: Service {
    private let logger: Logger
    private let onReopen: @Sendable () -> Void
    private let exit: @Sendable (Int32) -> Void

    public init(logger: Logger, onReopen: @escaping @Sendable () -> Void,
                exit: @escaping @Sendable (Int32) -> Void = { Foundation.exit($0) }) {
        self.logger = logger
        self.onReopen = onReopen
        self.exit = exit
    }

    public func run() async {
        var stops = 0
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigint, .sigterm)
        for await signal in signals.cancelOnGracefulShutdown() {
            switch signal {
            case .sighup:
                logger.info("reopening log files", metadata: ["signal": "SIGHUP"])
                onReopen()
            default:
                stops += 1
                if stops == 1 {
                    logger.info("stopping", metadata: ["signal": "\(signal)"])
                } else {
                    logger.warning("second signal: exiting now", metadata: ["signal": "\(signal)"])
                    exit(130)
                }
            }
        }
    }
}
