import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over a loopback TCP socket, for tests of the local HTTP endpoint.
public final class HTTPTestClient {
    /// One response: status, lower-cased headers and the body bytes.
    public struct Response {
        public let status: Int
        public let headers: [String: String]
        public let body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to 127.0.0.1:`port` and sends `METHOD path` with `body` (Connection: close).
    public init(port: Int, path: String, method: String = "GET", body: [UInt8] = [], headers: [String: String] = [:],
                timeout: Double = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPTestError("socket: errno \(errno)") }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw HTTPTestError("connect 127.0.0.1:\(port): errno \(errno)") }
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if method != "GET" { request += "Content-Length: \(body.count)\r\n" }
        for (k, v) in headers { request += "\(k): \(v)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8) + body
        var sent = 0
        while sent < bytes.count {
            // A server may answer (413) and close before a large body is sent: stop sending, read the answer.
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
        guard sent > 0 else { close(fd); throw HTTPTestError("send failed") }
    }

    deinit { close(fd) }

    /// Fetches `path` and reads the whole response (until the server closes).
    public static func get(port: Int, path: String, headers: [String: String] = [:]) throws -> Response {
        try request(port: port, path: path, method: "GET", body: [], headers: headers)
    }

    /// Posts `body` to `path` and reads the whole response.
    public static func post(port: Int, path: String, body: [UInt8], headers: [String: String] = [:]) throws -> Response {
        try request(port: port, path: path, method: "POST", body: body, headers: headers)
    }

    static func request(port: Int, path: String, method: String, body: [UInt8], headers: [String: String]) throws -> Response {
        let client = try HTTPTestClient(port: port, path: path, method: method, body: body, headers: headers)
        let (status, headers) = try client.readHead()
        var body = client.takeBuffered()
        while let chunk = try client.readChunk() { body += chunk }
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = try dechunk(body) }
        return Response(status: status, headers: headers, body: body)
    }

    /// Reads the status line and headers.
    public func readHead() throws -> (Int, [String: String]) {
        while true {
            if let end = find([13, 10, 13, 10]) {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                let lines = head.components(separatedBy: "\r\n")
                let parts = lines[0].split(separator: " ")
                guard parts.count >= 2, let status = Int(parts[1]) else { throw HTTPTestError("bad status line \(lines[0])") }
                var headers: [String: String] = [:]
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                return (status, headers)
            }
            guard let chunk = try readChunk() else { throw HTTPTestError("connection closed before the headers") }
            buffer += chunk
        }
    }

    /// Reads body lines (chunked transfer framing removed heuristically: only lines that parse as JSON or SSE data).
    public func readLines(_ count: Int, matching keep: (String) -> Bool) throws -> [String] {
        var lines: [String] = []
        while lines.count < count {
            if let nl = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<nl], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                buffer.removeFirst(nl + 1)
                if keep(line) { lines.append(line) }
                continue
            }
            guard let chunk = try readChunk() else { throw HTTPTestError("stream closed after \(lines.count) lines") }
            buffer += chunk
        }
        return lines
    }

    /// Whether the server closes the connection within the read timeout (reading and discarding data).
    public func readsToEnd() -> Bool {
        while true {
            do { guard try readChunk() != nil else { return true } } catch { return false }
        }
    }

    private func takeBuffered() -> [UInt8] { defer { buffer = [] }; return buffer }

    private func readChunk() throws -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &chunk, chunk.count, 0)
        if n == 0 { return nil }
        guard n > 0 else { throw HTTPTestError("recv: errno \(errno) (timeout?)") }
        return Array(chunk[..<n])
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        for i in 0...(buffer.count - pattern.count) where Array(buffer[i..<(i + pattern.count)]) == pattern { return i }
        return nil
    }

    private static func dechunk(_ data: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < data.count {
            guard let nl = data[i...].firstIndex(of: 10) else { throw HTTPTestError("bad chunk framing") }
            let sizeText = String(decoding: data[i..<nl], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) else {
                throw HTTPTestError("bad chunk size '\(sizeText)'")
            }
            if size == 0 { break }
            let start = nl + 1
            guard start + size <= data.count else { throw HTTPTestError("short chunk") }
            out += data[start..<(start + size)]
            i = start + size + 2
        }
        return out
    }
}

/// A failure of the test HTTP client.
public struct HTTPTestError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A free TCP port on 127.0.0.1 (bound then released).
public func freeLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Runs `promtool check metrics` on `text`; nil when promtool is not installed (Debian `prometheus`).
public func promtoolCheckMetrics(_ text: String) throws -> Subprocess.Result? {
    let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
    guard let promtool = (dirs + ["/usr/bin"]).map({ "\($0)/promtool" })
        .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
    return try Subprocess.run(promtool, ["check", "metrics"], stdin: Data(text.utf8))
}
