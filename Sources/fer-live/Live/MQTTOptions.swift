import ArgumentParser
import Foundation
import MQTT

/// `--mqtt URL` and its companions: where events go for a fleet (a broker feeding Home Assistant, Node-RED, Telegraf).
struct MQTTOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Publish events to an MQTT broker: mqtt://HOST[:PORT] or mqtts://HOST[:PORT] (default: off).",
        discussion: "Topics: PREFIX/available, PREFIX/CAMERA/events, PREFIX/CAMERA/state, PREFIX/CAMERA/stats, and Home Assistant discovery.",
        valueName: "url"))
    var mqtt: String?

    @Option(help: ArgumentHelp("This camera's name in MQTT topics and Home Assistant (default: from the source, e.g. video0).",
                               valueName: "name"))
    var cameraName: String?

    @Option(help: ArgumentHelp("Topic prefix.", valueName: "prefix"))
    var mqttPrefix = "fer-live"

    @Option(help: ArgumentHelp("MQTT client id (default: fer-live-CAMERA).", valueName: "id"))
    var mqttClientId: String?

    @Option(help: "MQTT quality of service: 0, 1 (at least once) or 2.")
    var mqttQos = 1

    @Option(help: ArgumentHelp("Seconds between MQTT pings; the broker publishes `offline` after 1.5x without one.",
                               valueName: "seconds"))
    var mqttKeepalive = 30

    @Option(help: ArgumentHelp(
        "A file whose first line is user:password for the broker (else FER_LIVE_MQTT_USER and FER_LIVE_MQTT_PASSWORD).",
        valueName: "file"))
    var mqttCredentials: String?

    @Option(help: ArgumentHelp("CA certificate file for mqtts:// (default: the system's).", valueName: "file"))
    var mqttCa: String?

    @Option(help: ArgumentHelp("Messages kept while the broker is away; beyond this the oldest are dropped and counted.",
                               valueName: "count"))
    var mqttQueue = 10_000

    @Flag(inversion: .prefixedNo, help: "Publish Home Assistant MQTT discovery configs (retained).")
    var mqttDiscovery = true

    @Option(help: ArgumentHelp(
        "Where undelivered MQTT messages wait between runs (default: $STATE_DIRECTORY, which the service unit sets).",
        valueName: "dir"))
    var stateDir: String?

    func validate() throws {
        if let mqtt {
            do { _ = try MQTTSettings.parse(url: mqtt) } catch { throw ValidationError(error.description) }
        }
        if !(0...2).contains(mqttQos) { throw ValidationError("--mqtt-qos must be 0, 1 or 2") }
        if !(5...3600).contains(mqttKeepalive) { throw ValidationError("--mqtt-keepalive must be 5 to 3600 seconds") }
        if mqttQueue < 1 { throw ValidationError("--mqtt-queue must be at least 1") }
        if mqttPrefix.isEmpty || mqttPrefix.contains("#") || mqttPrefix.contains("+") {
            throw ValidationError("--mqtt-prefix must be a topic without wildcards")
        }
        if let file = mqttCa, !FileManager.default.isReadableFile(atPath: file) {
            throw ValidationError("--mqtt-ca \(file): cannot read the file")
        }
    }

    /// The publisher's settings for `sourceName`, or nil without `--mqtt`.
    func settings(sourceName: String) throws -> MQTTSettings? {
        guard let mqtt else { return nil }
        let (host, port, tls) = try MQTTSettings.parse(url: mqtt)
        let camera = MQTTSettings.topicName(cameraName ?? sourceName)
        let credentials = try MQTTSettings.credentials(file: mqttCredentials, environment: ProcessInfo.processInfo.environment)
        return MQTTSettings(host: host, port: port, tls: tls, clientID: mqttClientId ?? "fer-live-\(camera)",
                            prefix: mqttPrefix, camera: camera, qos: mqttQos, keepAlive: mqttKeepalive,
                            username: credentials?.user, password: credentials?.password, caFile: mqttCa,
                            queueLimit: mqttQueue, discovery: mqttDiscovery,
                            stateDirectory: stateDir ?? ProcessInfo.processInfo.environment["STATE_DIRECTORY"]
                                .flatMap { $0.split(separator: ":").first.map(String.init) })
    }
}
