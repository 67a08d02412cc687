import Logging

/// swift-log on stderr, one line per message (journald keeps one entry per line).
enum LogSetup {
    /// Installs the stderr handler once and returns the application's logger at `level`.
    static func makeLogger(level: String) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        var logger = Logger(label: "fer-live")
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }
}
