import Foundation

/// A real Eclipse Mosquitto broker (Debian's `mosquitto`) on a free loopback port, with persistence, so that
/// tests can stop and restart it and a durable subscriber keeps its queued messages.
public final class MosquittoBroker {
    /// The broker executable, or nil (the tests then skip).
    public static let path: String? = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    /// The message of a test that skips for lack of a broker.
    public static let missing = "skipped: needs Debian's mosquitto and mosquitto-clients (./dev.sh test installs them)"

    public let port: Int
    public let directory: URL
    private var process: Process?

    /// Writes a configuration (listener on 127.0.0.1:`port`, persistence in a temporary folder, optional
    /// password file `user:password` lines) and starts the broker.
    public init(port: Int = freeLoopbackPort(), users: [String: String]? = nil) throws {
        guard Self.path != nil else { throw CocoaError(.fileNoSuchFile) }
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosquitto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var config = """
            listener \(port) 127.0.0.1
            persistence true
            persistence_location \(directory.path)/
            autosave_interval 1
            log_dest file \(directory.path)/broker.log

            """
        if let users {
            let passwords = directory.appendingPathComponent("passwords")
            try "".write(to: passwords, atomically: true, encoding: .utf8)
            for (user, password) in users {
                let r = try Subprocess.run("/usr/bin/mosquitto_passwd", ["-b", passwords.path, user, password])
                guard r.status == 0 else { throw CocoaError(.fileWriteUnknown) }
            }
            config += "allow_anonymous false\npassword_file \(passwords.path)\n"
        } else {
            config += "allow_anonymous true\n"
        }
        try config.write(to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts (or restarts) the broker and waits until it accepts connections.
    public func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.path!)
        process.arguments = ["-c", directory.appendingPathComponent("mosquitto.conf").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.accepts(port: port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw CocoaError(.fileReadUnknown)
    }

    /// Stops the broker (SIGTERM: it saves its persistence file) and waits for it to exit.
    public func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// `mosquitto_sub` as a durable QoS 1 subscriber (it reconnects by itself after a broker restart), writing
/// `topic payload` lines that the test reads back.
public final class MosquittoSubscriber {
    private let process = Process()
    private let output: URL

    public init(port: Int, topics: [String], id: String = "test-\(UUID().uuidString.prefix(8))",
                user: String? = nil, password: String? = nil) throws {
        output = FileManager.default.temporaryDirectory.appendingPathComponent("sub-\(UUID().uuidString).txt")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
        var arguments = ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-c", "-i", id, "-v"]
        for topic in topics { arguments += ["-t", topic] }
        if let user { arguments += ["-u", user, "-P", password ?? ""] }
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: output)
    }

    /// The lines so far, split into topic and payload.
    public var messages: [(topic: String, payload: String)] {
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line -> (topic: String, payload: String) in
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// Waits up to `timeout` seconds until `condition` holds for the messages; returns them.
    @discardableResult
    public func wait(timeout: Double = 10, until condition: ([(topic: String, payload: String)]) -> Bool)
        -> [(topic: String, payload: String)] {
        let deadline = Date().addingTimeInterval(timeout)
        var seen = messages
        while !condition(seen) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            seen = messages
        }
        return seen
    }
}

extension MosquittoSubscriber {
    /// Publishes `PREFIX/probe` with mosquitto_pub until this subscriber has seen it (its subscription is live).
    public func waitUntilSubscribed(port: Int, prefix: String = "fer-live") throws {
        for attempt in 0..<50 {
            _ = try Subprocess.run("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1",
                                                            "-t", "\(prefix)/probe", "-m", "\(attempt)"])
            if !wait(timeout: 0.2, until: { $0.contains { $0.topic == "\(prefix)/probe" } }).isEmpty,
               messages.contains(where: { $0.topic == "\(prefix)/probe" }) { return }
        }
        throw CocoaError(.fileReadUnknown)
    }
}
