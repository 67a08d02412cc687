import Classification
import Detection
import FaceAnalysis
import Foundation
import Glibc
import HTTPAPI
import Imaging
import Logging

extension FuzzTarget {
    /// Raw bytes on a TCP connection to fer-live's real HTTP server (NIO's parser, Hummingbird's router, every
    /// endpoint: paths, query strings, headers, the analyse endpoint's body), started once in this process on a
    /// loopback port. The reply is read for at most 0.1 s (the event stream never ends by itself). Accepted: a
    /// 2xx answer (or health's 503 before any frame).
    static let http = FuzzTarget(
        name: "http", summary: "raw HTTP requests (paths, query strings, headers, bodies) to the real server on loopback",
        maximumLength: 8 << 10
    ) { bytes in
        guard let port = FuzzHTTPServer.running?.port else { return false }
        // Accepted: a request the parser understood and a handler answered (health is 503 until frames flow).
        let reply = FuzzHTTPServer.exchange(bytes, port: port)
        return reply.hasPrefix("HTTP/1.1 2") || reply.hasPrefix("HTTP/1.1 503")
    }
}

/// The server the `http` target talks to.
enum FuzzHTTPServer {
    /// The server (kept for the life of the process) and its port, or nil when it could not start (the reason
    /// is printed once).
    static let running: (server: HTTPServer, port: Int)? = {
        let state = LiveState(sourceName: "fuzz", allowSnapshots: true)
        let analysis = ImageAnalysisService(maximumBytes: 1 << 20) {
            let locator = try ModelLocator()
            return FaceAnalyzer(detector: try YuNetDetector(modelURL: locator.detector),
                                classifier: try EmotionClassifier(modelURL: locator.classifier))
        }
        // Load the endpoint's models now, so the first request's reply is not later than the read timeout.
        if let jpeg = try? JPEGEncoder.encode(FuzzImages.colour64) { _ = analysis.analyze(jpeg) }
        let server = HTTPServer(address: HTTPAddress(host: "127.0.0.1", port: 0), state: state, analysis: analysis,
                                logger: Logger(label: "fer-live.fuzz") { _ in SwiftLogNoOpLogHandler() })
        do {
            return (server, try server.start())
        } catch {
            FileHandle.standardError.write(Data("fuzz http: the server did not start: \(error)\n".utf8))
            return nil
        }
    }()

    /// Sends `request` on a new connection, closes the sending side, and returns what came back within 0.1 s.
    static func exchange(_ request: UnsafeRawBufferPointer, port: Int) -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { fatalError("fuzz http: socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { fatalError("fuzz http: connect to 127.0.0.1:\(port): errno \(errno)") }
        var sent = 0
        while sent < request.count {
            let n = send(fd, request.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL))
            if n <= 0 { break }
            sent += n
        }
        shutdown(fd, Int32(SHUT_WR))
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while reply.count < 1 << 20 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            reply += buffer[..<n]
        }
        return String(decoding: reply.prefix(64), as: UTF8.self)
    }
}
