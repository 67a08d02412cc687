import Logging
import ServiceLifecycle

/// The long-running parts of `fer-live run` in one `ServiceGroup`, in start order: signals, MQTT, HTTP, the
/// pipeline, the systemd monitor. SIGINT/SIGTERM or the end of the stream shuts them down in reverse order:
/// STOPPING=1 first, then the pipeline stops and drains (its last events reach every sink), then the HTTP
/// endpoint closes, then MQTT delivers what is queued and says `offline`, then the signal handlers go.
public enum DaemonServices {
    /// How long a graceful shutdown may take before the group cancels what is left (systemd's stop timeout is longer).
    public static let maximumGracefulShutdown: Duration = .seconds(30)

    /// The group for the given parts (nil ones are left out).
    public static func group(pipeline: PipelineService, monitor: ServiceMonitor, signals: SignalService,
                             http: StopOnShutdownService?, mqtt: StopOnShutdownService?,
                             logger: Logger) -> ServiceGroup {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: signals)]
        if let mqtt { services.append(.init(service: mqtt)) }
        if let http { services.append(.init(service: http)) }
        services.append(.init(service: pipeline, successTerminationBehavior: .gracefullyShutdownGroup,
                              failureTerminationBehavior: .gracefullyShutdownGroup))
        services.append(.init(service: monitor))
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = maximumGracefulShutdown
        return ServiceGroup(configuration: configuration)
    }
}
