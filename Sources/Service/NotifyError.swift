/// Why an sd_notify message could not be sent; one line naming the socket.
public enum NotifyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `NOTIFY_SOCKET` is neither an absolute path nor an abstract `@name`, or is too long for a unix address.
    case invalidAddress(String, reason: String)
    /// The datagram socket could not be created.
    case socketFailed(reason: String)
    /// `sendto` failed (no one listening, queue full).
    case sendFailed(address: String, reason: String)

    public var description: String {
        switch self {
        case .invalidAddress(let address, let reason): return "NOTIFY_SOCKET \(address): \(reason)"
        case .socketFailed(let reason): return "sd_notify: cannot create a unix datagram socket: \(reason)"
        case .sendFailed(let address, let reason): return "sd_notify to \(address): \(reason)"
        }
    }
}
