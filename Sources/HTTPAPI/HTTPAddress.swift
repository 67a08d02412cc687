/// Where the HTTP endpoint listens: `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (loopback).
public struct HTTPAddress: Sendable, Equatable, CustomStringConvertible {
    /// A host name or IP literal (without brackets).
    public var host: String
    /// The TCP port; 0 lets the kernel choose one.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:9090`, `localhost:9090`, `[::1]:9090` or `:9090` (meaning 127.0.0.1).
    public init(parsing text: String) throws(HTTPAddressError) {
        guard let colon = text.lastIndex(of: ":") else { throw .missingPort(text) }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { throw .badHost(text) }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw .badHost(text)  // an IPv6 literal needs brackets: [::1]:9090
        }
        if host.isEmpty { host = "127.0.0.1" }
        guard host.allSatisfy({ !$0.isWhitespace && $0 != "/" }) else { throw .badHost(text) }
        guard let port = Int(portText), (0...65535).contains(port) else { throw .badPort(text) }
        self.init(host: host, port: port)
    }

    /// Whether the host is a loopback address or `localhost` (reachable from this machine only).
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A bad `--http` address.
public enum HTTPAddressError: Error, Equatable, CustomStringConvertible {
    case missingPort(String)
    case badPort(String)
    case badHost(String)

    public var description: String {
        switch self {
        case .missingPort(let t): return "--http '\(t)': expected HOST:PORT, e.g. 127.0.0.1:9090"
        case .badPort(let t): return "--http '\(t)': the port must be a number from 0 to 65535"
        case .badHost(let t): return "--http '\(t)': bad host (IPv6 literals go in brackets: [::1]:9090)"
        }
    }
}
