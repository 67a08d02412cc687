import ServiceLifecycle

/// The systemd watchdog and status rounds as a service: READY/STATUS/WATCHDOG while it runs, STOPPING=1 as soon as
/// the group starts shutting down (it is the last service in the group, so the first one shut down).
extension ServiceMonitor: Service {
    public func run() async {
        start()
        try? await gracefulShutdown()
        stopping()
    }
}
