import Foundation
import Glibc

/// A unix datagram socket bound in a folder that collects what a process sends to `$NOTIFY_SOCKET`.
public final class NotifyReceiver: @unchecked Sendable {
    /// One datagram and when it arrived.
    public struct Message: Sendable {
        public var text: String
        public var time: Date
        /// The `KEY=value` lines of the datagram.
        public var lines: [String] { text.split(separator: "\n").map(String.init) }
    }

    /// The socket's address (a path or `@name`): the value for `NOTIFY_SOCKET`.
    public let path: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [Message] = []
    private var closed = false
    private let done = DispatchSemaphore(value: 0)

    /// Binds `directory/notify.sock` and starts collecting.
    public convenience init(directory: URL) throws {
        let path = directory.appendingPathComponent("notify.sock").path
        unlink(path)
        try self.init(address: path, bytes: Array(path.utf8) + [0])
    }

    /// Binds the abstract socket `@name` and starts collecting.
    public convenience init(abstractName name: String) throws {
        try self.init(address: "@" + name, bytes: [0] + Array(name.utf8))
    }

    private init(address: String, bytes: [UInt8]) throws {
        path = address
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        guard bytes.count <= MemoryLayout.size(ofValue: storage.sun_path) else { throw POSIXError(.ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &storage.sun_path) { $0.copyBytes(from: bytes) }
        let length = (MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2) + bytes.count
        let status = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(length)) }
        }
        guard status == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        let thread = Thread { [self] in collect() }
        thread.start()
    }

    /// Everything received so far.
    public var messages: [Message] { lock.withLock { received } }

    /// Every line received so far, in order.
    public var lines: [String] { messages.flatMap(\.lines) }

    /// Waits up to `timeout` seconds for `condition` on the messages so far; returns whether it held.
    @discardableResult
    public func wait(timeout: Double, until condition: ([Message]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(messages) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition(messages)
    }

    /// Stops collecting and removes the socket.
    public func close() {
        let first = lock.withLock { () -> Bool in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        done.wait()
        Glibc.close(fd)
        if path.hasPrefix("/") { unlink(path) }
    }

    deinit { close() }

    private func collect() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !lock.withLock({ closed }) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 50) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { continue }
            let message = Message(text: String(decoding: buffer[0..<n], as: UTF8.self), time: Date())
            lock.withLock { received.append(message) }
        }
        done.signal()
    }
}
