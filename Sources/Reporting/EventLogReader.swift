import CZlib
import Foundation

/// Reads an event log line by line, plain or gzip-compressed (as logrotate leaves them), in bounded memory.
///
/// zlib's `gzread` reads both: a file without the gzip magic is passed through unchanged.
public final class EventLogReader {
    /// The path as given.
    public let path: String
    private let file: gzFile
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEnd = false
    /// The number of the last line returned (1-based).
    public private(set) var lineNumber = 0

    /// Opens `path`; throws `ReportError.cannotOpen` naming the file and the reason.
    public init(path: String, chunkSize: Int = 1 << 20) throws {
        self.path = path
        var info = stat()
        if stat(path, &info) != 0 {
            throw ReportError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw ReportError.cannotOpen(path: path, reason: "is a directory")
        }
        guard let file = gzopen(path, "rb") else {
            throw ReportError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        gzbuffer(file, UInt32(min(chunkSize, 1 << 20)))
        self.file = file
        buffer = [UInt8](repeating: 0, count: max(chunkSize, 4096))
    }

    deinit { gzclose(file) }

    /// The compressed bytes consumed so far (for progress against the file's size).
    public var bytesConsumed: Int { Int(gzoffset(file)) }

    /// Calls `body` with each line's bytes (without the newline; a last line without one is
    /// returned too). Lines longer than the buffer are returned in full: the buffer grows.
    /// Throws `ReportError.corrupt` when the gzip stream is damaged (the lines before it are kept).
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        while true {
            if let newline = findNewline() {
                lineNumber += 1
                try buffer.withUnsafeBufferPointer { all in
                    try body(UnsafeBufferPointer(rebasing: all[start..<newline]))
                }
                start = newline + 1
                continue
            }
            if atEnd {
                if start < end {
                    lineNumber += 1
                    try buffer.withUnsafeBufferPointer { all in
                        try body(UnsafeBufferPointer(rebasing: all[start..<end]))
                    }
                    start = end
                }
                return
            }
            try refill()
        }
    }

    private func findNewline() -> Int? {
        guard start < end else { return nil }
        return buffer.withUnsafeBufferPointer { all -> Int? in
            guard let base = all.baseAddress,
                  let hit = memchr(base + start, 0x0A, end - start) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }

    private func refill() throws {
        if start > 0 {
            // Move the unfinished line to the front.
            let count = end - start
            buffer.withUnsafeMutableBufferPointer { all in
                if count > 0 { memmove(all.baseAddress!, all.baseAddress! + start, count) }
            }
            start = 0
            end = count
        }
        if end == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
        let room = buffer.count - end
        let read = buffer.withUnsafeMutableBufferPointer { all in
            gzread(file, all.baseAddress! + end, UInt32(room))
        }
        if read < 0 {
            var code: Int32 = 0
            let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
            atEnd = true
            throw ReportError.corrupt(path: path, line: lineNumber + 1, reason: message)
        }
        if read == 0 {
            atEnd = true
            // A truncated gzip member reads as end of file with an error set.
            var code: Int32 = 0
            let message = gzerror(file, &code).map { String(cString: $0) } ?? ""
            if code != Z_OK && code != Z_STREAM_END {
                throw ReportError.corrupt(path: path, line: lineNumber + 1, reason: message)
            }
            return
        }
        end += Int(read)
    }
}
