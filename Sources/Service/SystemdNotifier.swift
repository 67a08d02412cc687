import Foundation
import Glibc

/// Speaks the sd_notify protocol: one datagram of `KEY=value` lines ("READY=1", "STATUS=…", "WATCHDOG=1",
/// "STOPPING=1") to the unix socket `$NOTIFY_SOCKET` names, without libsystemd.
public final class SystemdNotifier: Sendable {
    /// The address as given: an absolute path, or `@name` for an abstract socket.
    public let address: String
    /// The watchdog timeout (`WATCHDOG_USEC`) in seconds, nil when the watchdog is off or meant for another process.
    public let watchdogTimeout: Double?
    private let fd: Int32
    private let socketAddress: sockaddr_un
    private let socketAddressLength: socklen_t

    /// The notifier the environment asks for, or nil when `NOTIFY_SOCKET` is unset or empty (not run by systemd).
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, pid: Int32 = getpid()
    ) throws(NotifyError) -> SystemdNotifier? {
        guard let address = environment["NOTIFY_SOCKET"], !address.isEmpty else { return nil }
        return try SystemdNotifier(address: address,
                                   watchdogTimeout: watchdogTimeout(environment: environment, pid: pid))
    }

    /// `WATCHDOG_USEC` in seconds when it is set, positive, and `WATCHDOG_PID` (if set) is `pid`.
    public static func watchdogTimeout(environment: [String: String], pid: Int32) -> Double? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"], Int32(owner) != pid { return nil }
        return Double(usec) / 1_000_000
    }

    /// A notifier sending to `address` (a path, or `@name` for the abstract namespace).
    public init(address: String, watchdogTimeout: Double? = nil) throws(NotifyError) {
        var bytes = Array(address.utf8)
        if bytes.first == UInt8(ascii: "@") {
            bytes[0] = 0  // abstract namespace: a leading NUL, no terminator
        } else if bytes.first != UInt8(ascii: "/") {
            throw .invalidAddress(address, reason: "not an absolute path or an abstract @name")
        }
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        // A path needs room for its terminating NUL (already zero in `storage`).
        guard bytes.count < capacity || (bytes.first == 0 && bytes.count <= capacity) else {
            throw .invalidAddress(address, reason: "longer than a unix socket address (\(capacity - 1) bytes)")
        }
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2
        let length = pathOffset + bytes.count + (bytes.first == 0 ? 0 : 1)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .socketFailed(reason: String(cString: strerror(errno))) }
        self.address = address
        self.watchdogTimeout = watchdogTimeout
        self.fd = fd
        self.socketAddress = storage
        self.socketAddressLength = socklen_t(length)
    }

    /// Sends one datagram holding `lines` (each `KEY=value`), without blocking; thread-safe.
    public func send(_ lines: [String]) throws(NotifyError) {
        let message = Array(lines.joined(separator: "\n").utf8)
        var address = socketAddress
        let sent = message.withUnsafeBytes { payload in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer in
                    sendto(fd, payload.baseAddress, payload.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT),
                           sockaddrPointer, socketAddressLength)
                }
            }
        }
        if sent < 0 { throw .sendFailed(address: self.address, reason: String(cString: strerror(errno))) }
    }

    /// Sends one `KEY=value` line.
    public func send(_ line: String) throws(NotifyError) { try send([line]) }

    deinit { close(fd) }
}
