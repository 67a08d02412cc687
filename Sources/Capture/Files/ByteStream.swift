import Foundation
import Synchronization
import Glibc

/// Large buffered reads from a file descriptor (a regular file, a pipe, stdin) that `cancel()` can
/// interrupt from another thread.
///
/// The owning source's capture thread does all reading; only `cancel()` and `isCancelled` are called
/// from other threads. Every read first polls the descriptor together with a wake-up pipe, so a reader
/// blocked on an idle pipe returns as soon as the stream is cancelled.
final class ByteStream: @unchecked Sendable {
    // @unchecked Sendable: see above — reads on the owner's capture thread only; cancel() writes to the wake-up
    // pipe and sets an atomic flag.
    /// The file name or "stdin", for error messages.
    let name: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    /// Buffered bytes live in storage[start..<end].
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private(set) var atEndOfFile = false
    /// Bytes consumed so far (the stream offset of `bytes.first`).
    private(set) var offset = 0
    /// Bytes asked of the kernel per read.
    private let chunkSize: Int

    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let cancelled = Atomic<Bool>(false)

    /// Wraps `fd`; closes it on deinit when `ownsDescriptor` (never pass ownership of stdin).
    init(fileDescriptor fd: Int32, name: String, ownsDescriptor: Bool, chunkSize: Int = 1 << 20) throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            let reason = String(cString: strerror(errno))
            if ownsDescriptor { close(fd) }
            throw FileSourceError.unreadable(path: name, reason: "cannot create a wake-up pipe: \(reason)")
        }
        for end in fds {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        self.fd = fd
        self.name = name
        self.ownsDescriptor = ownsDescriptor
        self.chunkSize = chunkSize
        self.capacity = chunkSize
        self.storage = .allocate(capacity: chunkSize)
        self.wakeRead = fds[0]
        self.wakeWrite = fds[1]
    }

    /// Opens `path` for reading ("-" is stdin), mapping errno to a `FileSourceError` naming the file.
    static func open(path: String) throws -> ByteStream {
        if path == "-" {
            return try ByteStream(fileDescriptor: STDIN_FILENO, name: "stdin", ownsDescriptor: false)
        }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSourceError.openFailed(path: path, errno: errno) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw FileSourceError.unreadable(path: path, reason: "is a directory")
        }
        return try ByteStream(fileDescriptor: fd, name: path, ownsDescriptor: true)
    }

    deinit {
        storage.deallocate()
        close(wakeRead)
        close(wakeWrite)
        if ownsDescriptor { close(fd) }
    }

    // MARK: Cancellation (any thread)

    /// Makes every current and later read return end-of-file.
    func cancel() {
        let first = !cancelled.exchange(true, ordering: .acquiringAndReleasing)
        if first {
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
    }

    /// True once `cancel()` was called.
    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    // MARK: Buffer access (capture thread)

    /// Number of buffered bytes.
    var available: Int { end - start }

    /// The buffered bytes; valid until the next `fill`, `read` or `consume`.
    var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: storage + start, count: end - start)
    }

    /// Drops `count` buffered bytes from the front.
    func consume(_ count: Int) {
        precondition(count >= 0 && count <= available, "ByteStream.consume: \(count) of \(available) bytes")
        start += count
        offset += count
        if start == end { start = 0; end = 0 }
    }

    /// Reads until at least `count` bytes are buffered. Returns false if the stream ended (or was
    /// cancelled) first; the bytes read so far stay buffered.
    @discardableResult
    func fill(atLeast count: Int) throws -> Bool {
        while available < count {
            if try !readMore(wanting: count - available) { return false }
        }
        return true
    }

    /// Reads at least one more byte into the buffer (one read call). Returns false at end of file or when cancelled.
    func readMore(wanting wanted: Int = 1) throws -> Bool {
        if atEndOfFile { return false }
        reserve(max(wanted, chunkSize))
        let n = try readSome(into: storage + end, count: capacity - end)
        if n == 0 { atEndOfFile = true; return false }
        end += n
        return true
    }

    /// Fills `destination` completely: buffered bytes first, then reads straight into it (no extra
    /// copy for large frames). Returns the number of bytes stored (less than the size at end of file).
    func read(into destination: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        let fromBuffer = min(available, destination.count)
        if fromBuffer > 0 {
            destination.baseAddress!.update(from: storage + start, count: fromBuffer)
            consume(fromBuffer)
        }
        var stored = fromBuffer
        while stored < destination.count, !atEndOfFile {
            let n = try readSome(into: destination.baseAddress! + stored, count: destination.count - stored)
            if n == 0 { atEndOfFile = true; break }
            stored += n
            offset += n
        }
        return stored
    }

    /// Makes room for `count` more bytes after `end`, moving the buffered bytes to the front or growing.
    private func reserve(_ count: Int) {
        if capacity - end >= count { return }
        if start > 0 {
            (storage).update(from: storage + start, count: end - start)
            end -= start
            start = 0
            if capacity - end >= count { return }
        }
        var newCapacity = capacity
        while newCapacity - end < count { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: storage, count: end)
        storage.deallocate()
        storage = grown
        capacity = newCapacity
    }

    /// One read(2) after poll(2) says the descriptor (or the wake-up pipe) is ready; 0 = end of file or cancelled.
    private func readSome(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        while true {
            if isCancelled { return 0 }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw FileSourceError.readFailed(name: name, reason: "poll: " + String(cString: strerror(errno)))
            }
            if isCancelled || fds[1].revents != 0 { return 0 }
            let n = Glibc.read(fd, buffer, count)
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw FileSourceError.readFailed(name: name, reason: String(cString: strerror(errno)))
            }
            return n
        }
    }
}
