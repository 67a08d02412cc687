import Foundation
import Glibc
import Synchronization

/// Appends text lines to a file or to stdout, buffered, thread-safe; `reopen()` supports log rotation.
public final class LineWriter: Sendable {
    /// Where the lines go: a file path, or stdout for "-".
    public let path: String
    private static let flushThreshold = 64 * 1024

    /// The open descriptor and the lines not yet written.
    private struct Output: ~Copyable {
        var fd: Int32
        var buffer: [UInt8] = []
    }

    private let output: Mutex<Output>

    /// Opens (creating, appending) `path`, or stdout when `path` is "-".
    public init(path: String) throws {
        self.path = path
        var out = Output(fd: try LineWriter.open(path))
        out.buffer.reserveCapacity(Self.flushThreshold)
        output = Mutex(out)
    }

    private static func open(_ path: String) throws -> Int32 {
        if path == "-" { return STDOUT_FILENO }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PipelineError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        return fd
    }

    /// Queues one line (a newline is added).
    public func write(line: String) {
        output.withLock { out in
            out.buffer.append(contentsOf: line.utf8)
            out.buffer.append(0x0A)
            if out.buffer.count >= Self.flushThreshold { flush(&out) }
        }
    }

    /// Writes out everything queued.
    public func flush() { output.withLock { flush(&$0) } }

    /// Closes and reopens the file (after logrotate moved it); stdout is left alone.
    public func reopen() throws {
        try output.withLock { out in
            flush(&out)
            guard path != "-" else { return }
            let newFD = try LineWriter.open(path)
            close(out.fd)
            out.fd = newFD
        }
    }

    private func flush(_ out: inout Output) {
        var offset = 0
        let fd = out.fd
        out.buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    // The disk is full or the reader went away: report once per flush, drop this batch.
                    FileHandle.standardError.write(Data("fer-live: \(path == "-" ? "stdout" : path): write failed: \(String(cString: strerror(errno)))\n".utf8))
                    return
                }
                offset += n
            }
        }
        out.buffer.removeAll(keepingCapacity: true)
    }

    deinit {
        output.withLock { out in
            flush(&out)
            if path != "-" { close(out.fd) }
        }
    }
}

/// The JSON Lines event log (`--events FILE`, or stdout).
public final class EventLog: EventSink, Sendable {
    private let writer: LineWriter
    private let encoder: EventEncoder

    /// `model`: the classifier's name, written in `source` events (reports name the model from it).
    public init(writer: LineWriter, sourceName: String, model: String? = nil) {
        self.writer = writer
        self.encoder = EventEncoder(sourceName: sourceName, model: model)
    }

    public func handle(_ event: PipelineEvent) {
        writer.write(line: encoder.encode(event))
    }

    public func flush() { writer.flush() }

    /// Reopens the file (SIGHUP after log rotation).
    public func reopen() throws { try writer.reopen() }
}
