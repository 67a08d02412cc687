import Foundation

/// One-line messages for people on stderr.
enum Diagnostics {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("fer-live: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }
}

/// An error already reported on stderr; the command only needs to exit non-zero.
struct AlreadyReported: Error {}
