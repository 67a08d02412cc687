import Capture
import Foundation
import Logging
import Service
import TestSupport
import XCTest

/// A clock the test moves by hand.
private final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 100.0
    var now: Double { lock.withLock { value } }
    func advance(_ seconds: Double) { lock.withLock { value += seconds } }
}

final class ServiceMonitorTests: XCTestCase {
    private var directory: URL!
    private var receiver: NotifyReceiver!
    private var clock: ManualClock!
    private var monitor: ServiceMonitor!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        receiver = try NotifyReceiver(directory: directory)
        let manual = ManualClock()
        clock = manual
        let notifier = try SystemdNotifier(address: receiver.path, watchdogTimeout: 1)
        monitor = ServiceMonitor(notifier: notifier, logger: Logger(label: "test"), clock: { manual.now })
    }

    override func tearDownWithError() throws {
        receiver.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The lines received after the first `from`, once `count` messages have arrived in all.
    private func lines(after from: Int, total count: Int) -> [String] {
        XCTAssertTrue(receiver.wait(timeout: 2) { $0.count >= count }, "\(receiver.messages.map(\.text))")
        return receiver.messages.dropFirst(from).flatMap(\.lines)
    }

    func testDefaultsFollowTheWatchdog() {
        XCTAssertEqual(monitor.options.interval, 0.5)
        XCTAssertEqual(monitor.options.stallTimeout, 2)
        let slow = ServiceMonitor.Options(watchdogTimeout: 30)
        XCTAssertEqual(slow.interval, 15)
        XCTAssertEqual(slow.stallTimeout, 15)
        XCTAssertEqual(ServiceMonitor.Options(watchdogTimeout: nil).interval, 1)
    }

    func testReadyAtTheFirstFrameThenPingsWhileFramesFlowAndStopsWhenTheyStall() {
        monitor.tick()
        XCTAssertEqual(lines(after: 0, total: 1), ["STATUS=starting"], "no ping before READY")
        monitor.sourceChanged(.streaming(mode: "640x480 mjpeg 30 fps"))
        XCTAssertEqual(lines(after: 1, total: 2), ["STATUS=streaming 640x480 mjpeg 30 fps"])
        XCTAssertFalse(monitor.health.ready)

        monitor.frameAnalysed(faces: 4, fps: 30)
        XCTAssertEqual(lines(after: 2, total: 3), ["READY=1", "STATUS=30.0 fps, 4 faces, streaming 640x480 mjpeg 30 fps"])
        clock.advance(0.5)
        monitor.frameAnalysed(faces: 1, fps: 29.5)
        monitor.tick()
        XCTAssertEqual(lines(after: 3, total: 4),
                       ["WATCHDOG=1", "STATUS=29.5 fps, 1 face, streaming 640x480 mjpeg 30 fps"], "READY only once")
        clock.advance(0.5)
        monitor.tick()
        XCTAssertEqual(lines(after: 4, total: 5), ["WATCHDOG=1"], "STATUS only when it changed")

        // No frame for 2.5 s although the camera says it streams: stalled, the watchdog must be let to fire.
        clock.advance(2)
        monitor.tick()
        XCTAssertEqual(lines(after: 5, total: 6), ["STATUS=stalled: no frame for 2.5 s (streaming 640x480 mjpeg 30 fps)"])
        XCTAssertTrue(monitor.health.stalled)
        clock.advance(0.5)
        monitor.tick()
        XCTAssertEqual(lines(after: 6, total: 7), ["STATUS=stalled: no frame for 3.0 s (streaming 640x480 mjpeg 30 fps)"])

        monitor.frameAnalysed(faces: 0, fps: 12)
        monitor.tick()
        XCTAssertEqual(lines(after: 7, total: 8), ["WATCHDOG=1", "STATUS=12.0 fps, 0 faces, streaming 640x480 mjpeg 30 fps"])
        XCTAssertFalse(monitor.health.stalled)
    }

    func testAnUnpluggedCameraKeepsTheServiceAliveAndSaysSo() {
        monitor.sourceChanged(.streaming(mode: "640x480 mjpeg 30 fps"))
        monitor.frameAnalysed(faces: 2, fps: 30)
        monitor.sourceChanged(.waiting(reason: "waiting for /dev/video0: no such device"))
        XCTAssertEqual(lines(after: 2, total: 3), ["STATUS=waiting for /dev/video0: no such device"], "reported at once")
        clock.advance(10)
        monitor.tick()
        XCTAssertEqual(lines(after: 3, total: 4), ["WATCHDOG=1"], "waiting for the camera is healthy")
        XCTAssertFalse(monitor.health.stalled)
        XCTAssertEqual(monitor.health.lastFrameAge, 10)

        // Back: a fresh grace period before the first frame, then stalled if none comes.
        monitor.sourceChanged(.streaming(mode: "640x480 mjpeg 30 fps"))
        clock.advance(1)
        monitor.tick()
        XCTAssertEqual(lines(after: 4, total: 6),
                       ["STATUS=30.0 fps, 2 faces, streaming 640x480 mjpeg 30 fps", "WATCHDOG=1"])
        clock.advance(1.5)
        monitor.tick()
        XCTAssertEqual(lines(after: 6, total: 7), ["STATUS=stalled: no frame for 12.5 s (streaming 640x480 mjpeg 30 fps)"])
    }

    func testACameraAbsentAtStartIsReadyAndWaiting() {
        monitor.sourceChanged(.waiting(reason: "waiting for /dev/video0: no such device"))
        XCTAssertEqual(lines(after: 0, total: 1), ["READY=1", "STATUS=waiting for /dev/video0: no such device"])
        clock.advance(5)
        monitor.tick()
        XCTAssertEqual(lines(after: 1, total: 2), ["WATCHDOG=1"])
    }

    func testStoppingSaysSoOnceAndEndsThePings() {
        monitor.frameAnalysed(faces: 1, fps: 25)
        monitor.stopping()
        monitor.stopping()
        monitor.tick()
        monitor.frameAnalysed(faces: 1, fps: 25)
        XCTAssertEqual(lines(after: 1, total: 2), ["STOPPING=1", "STATUS=stopping"])
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(receiver.messages.count, 2, "\(receiver.messages.map(\.text))")
        XCTAssertTrue(monitor.health.stopping)
    }

    func testTheTimerPingsOnItsOwn() {
        let notifier = try? SystemdNotifier(address: receiver.path, watchdogTimeout: 0.2)
        let live = ServiceMonitor(notifier: notifier, logger: Logger(label: "test"))
        live.start()
        live.frameAnalysed(faces: 0, fps: 10)
        XCTAssertTrue(receiver.wait(timeout: 2) { $0.filter { $0.lines.contains("WATCHDOG=1") }.count >= 3 })
        live.stopping()
    }

    func testWithoutANotifierNothingIsSentButHealthIsKept() {
        let manual = clock!
        let quiet = ServiceMonitor(notifier: nil, logger: Logger(label: "test"), clock: { manual.now })
        quiet.frameAnalysed(faces: 3, fps: 20)
        quiet.tick()
        XCTAssertEqual(quiet.health.status, "20.0 fps, 3 faces")
        XCTAssertTrue(quiet.health.healthy)
    }
}
