import ArgumentParser
import Capture
import Classification
import HTTPAPI
import Logging
import MQTT
import Pipeline
import Service

/// Where a live run's events and frames go: the systemd monitor, the event log, the HTTP state, MQTT, the
/// per-frame table and the window, as the options ask.
struct LiveSinks {
    var eventSinks: [EventSink]
    var frameSinks: [FrameSink]
    /// The JSON Lines log (reopened on SIGHUP), unless the window shows and no `--events` was given.
    let eventLog: EventLog?
    /// What the HTTP endpoint serves (with `--http`).
    let liveState: LiveState?
    /// The broker connection (with `--mqtt`), already connecting.
    let publisher: MQTTPublisher?
    /// The per-frame CSV/JSON table (with `--per-frame`).
    let perFrame: PerFrameWriter?

    init(source: FrameSource, classifier: EmotionClassifier, monitor: ServiceMonitor, window: LatestFrameSink?,
         output: OutputOptions, http: HTTPOptions, mqtt: MQTTOptions, logger: Logger) throws {
        eventSinks = [monitor]
        frameSinks = [monitor]
        if let window { frameSinks.append(window) }
        let eventsPath = output.events ?? (window == nil ? "-" : nil)
        eventLog = try eventsPath.map {
            EventLog(writer: try LineWriter(path: $0), sourceName: source.name, model: classifier.manifest.name)
        }
        if let eventLog { eventSinks.append(eventLog) }
        liveState = http.address.map { _ in LiveState(sourceName: source.name, allowSnapshots: http.allowSnapshots) }
        if let liveState {
            eventSinks.append(liveState)
            frameSinks.append(liveState)
        }
        do {
            publisher = try mqtt.settings(sourceName: source.name).map { MQTTPublisher(settings: $0, logger: logger) }
            try publisher?.start()
        } catch let error as MQTTError {
            Diagnostics.error(error.description)
            throw ExitCode(1)
        }
        if let publisher {
            eventSinks.append(publisher)
            liveState?.attach(publisher: {
                let s = publisher.statistics
                return PublisherFigures(sent: s.sent, dropped: s.dropped, queued: s.queued, connected: s.connected)
            })
        }
        perFrame = try output.perFrame.map { try PerFrameWriter(path: $0, labels: classifier.labels) }
    }
}
