import Foundation
import Service
import TestSupport
import XCTest

final class SystemdNotifierTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testSendsOneDatagramToAPathSocket() throws {
        let receiver = try NotifyReceiver(directory: directory)
        defer { receiver.close() }
        let notifier = try XCTUnwrap(SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": receiver.path]))
        try notifier.send(["READY=1", "STATUS=25.0 fps, 2 faces"])
        try notifier.send("WATCHDOG=1")
        XCTAssertTrue(receiver.wait(timeout: 2) { $0.count == 2 })
        XCTAssertEqual(receiver.messages.map(\.text), ["READY=1\nSTATUS=25.0 fps, 2 faces", "WATCHDOG=1"])
    }

    func testSendsToAnAbstractSocket() throws {
        let name = "fer-live-test-\(getpid())-\(UUID().uuidString.prefix(8))"
        let receiver = try NotifyReceiver(abstractName: name)
        defer { receiver.close() }
        XCTAssertEqual(receiver.path, "@" + name)
        let notifier = try SystemdNotifier(address: "@" + name)
        try notifier.send("STOPPING=1")
        XCTAssertTrue(receiver.wait(timeout: 2) { $0.count == 1 })
        XCTAssertEqual(receiver.lines, ["STOPPING=1"])
    }

    func testNoSocketMeansNoNotifier() throws {
        XCTAssertNil(try SystemdNotifier.fromEnvironment([:]))
        XCTAssertNil(try SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": ""]))
    }

    func testRejectsRelativeAndOverlongAddresses() {
        XCTAssertThrowsError(try SystemdNotifier(address: "run/notify")) { error in
            XCTAssertEqual("\(error)", "NOTIFY_SOCKET run/notify: not an absolute path or an abstract @name")
        }
        XCTAssertThrowsError(try SystemdNotifier(address: "/" + String(repeating: "x", count: 200))) { error in
            XCTAssertTrue("\(error)".contains("longer than a unix socket address"), "\(error)")
        }
    }

    func testSendingWithNoListenerFailsWithAOneLineError() throws {
        let notifier = try SystemdNotifier(address: directory.appendingPathComponent("nobody.sock").path)
        XCTAssertThrowsError(try notifier.send("READY=1")) { error in
            XCTAssertTrue("\(error)".hasPrefix("sd_notify to \(directory.path)/nobody.sock: "), "\(error)")
        }
    }

    func testWatchdogTimeoutFromTheEnvironment() {
        XCTAssertEqual(SystemdNotifier.watchdogTimeout(environment: ["WATCHDOG_USEC": "1000000"], pid: 42), 1.0)
        XCTAssertEqual(SystemdNotifier.watchdogTimeout(
            environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "42"], pid: 42), 30.0)
        XCTAssertNil(SystemdNotifier.watchdogTimeout(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "7"],
                                                     pid: 42), "meant for another process")
        XCTAssertNil(SystemdNotifier.watchdogTimeout(environment: ["WATCHDOG_USEC": "0"], pid: 42))
        XCTAssertNil(SystemdNotifier.watchdogTimeout(environment: ["WATCHDOG_USEC": "soon"], pid: 42))
        XCTAssertNil(SystemdNotifier.watchdogTimeout(environment: [:], pid: 42))
    }
}
