import Foundation

/// Where and how to publish: the broker URL's parts and the options around it.
public struct MQTTSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// `mqtts://`: TLS (with `caFile`, or the system's certificates).
    public var tls: Bool
    public var clientID: String
    /// Topics start with this (`fer-live/available`, `fer-live/CAMERA/events`).
    public var prefix: String
    /// The camera's name in topics and in Home Assistant.
    public var camera: String
    /// 0, 1 or 2 (default 1: at least once).
    public var qos: Int
    /// Seconds between pings; the broker sends the last will after 1.5x this without one.
    public var keepAlive: Int
    public var username: String?
    public var password: String?
    public var caFile: String?
    /// Messages kept while the broker is away; beyond this the oldest are dropped and counted.
    public var queueLimit: Int
    /// Whether to publish Home Assistant discovery configs (`homeassistant/sensor/...`).
    public var discovery: Bool
    /// Home Assistant's discovery prefix.
    public var discoveryPrefix: String
    /// Where messages still undelivered at shutdown are kept for the next start (nil: they are lost and counted).
    public var stateDirectory: String?

    public init(host: String, port: Int, tls: Bool = false, clientID: String, prefix: String = "fer-live",
                camera: String, qos: Int = 1, keepAlive: Int = 30, username: String? = nil, password: String? = nil,
                caFile: String? = nil, queueLimit: Int = 10_000, discovery: Bool = true,
                discoveryPrefix: String = "homeassistant", stateDirectory: String? = nil) {
        self.host = host; self.port = port; self.tls = tls; self.clientID = clientID; self.prefix = prefix
        self.camera = camera; self.qos = qos; self.keepAlive = keepAlive; self.username = username
        self.password = password; self.caFile = caFile; self.queueLimit = queueLimit; self.discovery = discovery
        self.discoveryPrefix = discoveryPrefix
        self.stateDirectory = stateDirectory
    }

    /// Parses `mqtt://HOST[:PORT]` or `mqtts://HOST[:PORT]` (default ports 1883 and 8883). Credentials in the
    /// URL are refused: they would show in `ps` and in logs.
    public static func parse(url: String) throws(MQTTError) -> (host: String, port: Int, tls: Bool) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "mqtt" || scheme == "mqtts", let host = components.host, !host.isEmpty else {
            throw .badSetting("--mqtt", "expected mqtt://HOST[:PORT] or mqtts://HOST[:PORT]")
        }
        if components.user != nil || components.password != nil {
            throw .badSetting("--mqtt", "no user or password in the URL; use --mqtt-credentials FILE or FER_LIVE_MQTT_USER/FER_LIVE_MQTT_PASSWORD")
        }
        if let path = components.path.nilIfEmpty, path != "/" { throw .badSetting("--mqtt", "no path expected (\(path))") }
        let tls = scheme == "mqtts"
        let port = components.port ?? (tls ? 8883 : 1883)
        guard (1...65535).contains(port) else { throw .badSetting("--mqtt", "port \(port) out of range") }
        return (host, port, tls)
    }

    /// Reads `user:password` (first line) from a credentials file, or the two environment variables.
    public static func credentials(file: String?, environment: [String: String]) throws(MQTTError)
        -> (user: String, password: String)? {
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw .badSetting("--mqtt-credentials", "cannot read \(file)")
            }
            let line = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw .badSetting("--mqtt-credentials", "\(file): expected one line user:password")
            }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        if let user = environment["FER_LIVE_MQTT_USER"], !user.isEmpty {
            return (user, environment["FER_LIVE_MQTT_PASSWORD"] ?? "")
        }
        return nil
    }

    /// A name safe in topics and entity ids: `/dev/video0` → `video0`, other characters → `_`.
    public static func topicName(_ text: String) -> String {
        let last = text.split(separator: "/").last.map(String.init) ?? text
        let cleaned = last.map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_") ? c : "_"
        }
        return cleaned.isEmpty ? "camera" : String(cleaned)
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}

/// Why MQTT could not be set up.
public enum MQTTError: Error, Equatable, CustomStringConvertible {
    /// A setting is unusable: the option and why.
    case badSetting(String, String)
    /// libmosquitto refused a call: the operation and its message (`mosquitto_strerror`).
    case library(String, String)

    public var description: String {
        switch self {
        case .badSetting(let option, let why): return "\(option): \(why)"
        case .library(let op, let why): return "MQTT \(op): \(why)"
        }
    }
}
