import Classification
import Foundation
import Imaging
import Logging
import MQTT
import Pipeline
import TestSupport
import XCTest

/// The publisher against a real Mosquitto broker: order, outages, an unreachable broker, the queue's bound.
final class MQTTBrokerTests: XCTestCase {
    private var logger: Logger {
        var l = Logger(label: "mqtt-test")
        l.logLevel = .critical
        return l
    }

    private func settings(port: Int, queue: Int = 10_000) -> MQTTSettings {
        MQTTSettings(host: "127.0.0.1", port: port, clientID: "fer-live-test-\(UUID().uuidString.prefix(6))",
                     camera: "door", keepAlive: 5, queueLimit: queue)
    }

    /// Track `i`'s start, as the pipeline sends it.
    private func start(_ i: Int) -> PipelineEvent {
        .trackStart(FaceState(id: i, box: Rect(x: 1, y: 2, width: 3, height: 4), landmarks: nil, emotion: nil,
                              prediction: nil, age: 0), frame: i, time: Double(i))
    }

    /// The track ids of the `new` events received on the events topic, in arrival order.
    private func trackIDs(_ messages: [(topic: String, payload: String)]) -> [Int] {
        messages.filter { $0.topic == "fer-live/door/events" }.compactMap { m in
            let o = try? JSONSerialization.jsonObject(with: Data(m.payload.utf8)) as? [String: Any]
            return (o?["after"] as? [String: Any])?["track"] as? Int
        }
    }

    private func requireBroker() throws {
        if MosquittoBroker.path == nil { throw XCTSkip(MosquittoBroker.missing) }
    }

    func testEventsArriveInOrderWithAvailabilityAndDiscovery() throws {
        try requireBroker()
        let broker = try MosquittoBroker()
        let sub = try MosquittoSubscriber(port: broker.port, topics: ["fer-live/#", "homeassistant/#"])
        try sub.waitUntilSubscribed(port: broker.port)
        let publisher = MQTTPublisher(settings: settings(port: broker.port), logger: logger)
        try publisher.start()
        for i in 1...300 { publisher.handle(start(i)) }
        let seen = sub.wait { self.trackIDs($0).count >= 300 }
        XCTAssertEqual(trackIDs(seen), Array(1...300))
        XCTAssertTrue(seen.contains { $0.topic == "fer-live/available" && $0.payload == "online" })
        XCTAssertTrue(seen.contains { $0.topic == "homeassistant/sensor/fer-live_door/faces/config" })
        XCTAssertEqual(seen.last { $0.topic == "fer-live/door/state" }.flatMap {
            (try? JSONSerialization.jsonObject(with: Data($0.payload.utf8)) as? [String: Any])?["faces"] as? Int
        }, 300)
        publisher.shutdown()
        XCTAssertEqual(sub.wait { $0.last?.topic == "fer-live/available" }.last?.payload, "offline", "a clean stop says offline")
        XCTAssertEqual(publisher.statistics.dropped, 0)
    }

    func testABrokerOutageLosesNothing() throws {
        try requireBroker()
        let broker = try MosquittoBroker()
        let sub = try MosquittoSubscriber(port: broker.port, topics: ["fer-live/door/events", "fer-live/probe"])
        try sub.waitUntilSubscribed(port: broker.port)
        let publisher = MQTTPublisher(settings: settings(port: broker.port), logger: logger)
        try publisher.start()
        for i in 1...50 { publisher.handle(start(i)) }
        sub.wait { self.trackIDs($0).count >= 50 }
        broker.stop()
        // The broker is away: the pipeline keeps handing events over and never waits.
        let before = Date()
        for i in 51...150 { publisher.handle(start(i)) }
        XCTAssertLessThan(Date().timeIntervalSince(before), 0.5, "handing events over does not wait for the broker")
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertFalse(publisher.statistics.connected)
        XCTAssertGreaterThanOrEqual(publisher.statistics.queued, 100)
        try broker.start()
        let seen = sub.wait(timeout: 40) { Set(self.trackIDs($0)).count >= 150 }
        let ids = trackIDs(seen)
        XCTAssertEqual(Set(ids), Set(1...150), "every event arrives after the outage")
        XCTAssertEqual(ids.filter { $0 > 50 }.first, 51, "in order")
        XCTAssertEqual(publisher.statistics.dropped, 0)
        XCTAssertGreaterThanOrEqual(publisher.statistics.connections, 2)
        publisher.shutdown()
    }

    func testAnUnreachableBrokerIsRetriedUntilItComes() throws {
        try requireBroker()
        let port = freeLoopbackPort()
        let publisher = MQTTPublisher(settings: settings(port: port), logger: logger)
        XCTAssertNoThrow(try publisher.start(), "a broker that is not there yet is not an error")
        for i in 1...20 { publisher.handle(start(i)) }
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(publisher.statistics.queued, 40, "an event and a state message per track start")
        let broker = try MosquittoBroker(port: port)
        // Retained state shows the last of the queued events once connected.
        let sub = try MosquittoSubscriber(port: broker.port, topics: ["fer-live/#"])
        let seen = sub.wait(timeout: 20) { m in m.contains { $0.topic == "fer-live/available" && $0.payload == "online" } }
        XCTAssertTrue(seen.contains { $0.topic == "fer-live/available" })
        let deadline = Date().addingTimeInterval(10)
        while publisher.statistics.queued > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(publisher.statistics.queued, 0)
        XCTAssertGreaterThanOrEqual(publisher.statistics.sent, 40)
        publisher.shutdown()
    }

    func testTheQueueBoundDropsTheOldestAndCountsThem() throws {
        try requireBroker()
        let publisher = MQTTPublisher(settings: settings(port: freeLoopbackPort(), queue: 25), logger: logger)
        try publisher.start()
        for i in 1...20 { publisher.handle(start(i)) } // two messages each: event and state
        XCTAssertEqual(publisher.statistics.queued, 25)
        XCTAssertEqual(publisher.statistics.dropped, 15)
        publisher.shutdown(timeout: 0.1)
    }

    func testUndeliveredMessagesWaitInTheStateDirectoryForTheNextStart() throws {
        try requireBroker()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = freeLoopbackPort()
        var s = settings(port: port)
        s.stateDirectory = directory
        let first = MQTTPublisher(settings: s, logger: logger)
        try first.start()
        for i in 1...30 { first.handle(start(i)) }
        let spool = try XCTUnwrap(first.spoolFile)
        // While the broker is away the spool already holds every message: a crash now would lose nothing.
        let lines = { (try? String(contentsOfFile: spool, encoding: .utf8))?.split(separator: "\n").count ?? 0 }
        let deadline = Date().addingTimeInterval(5)
        while lines() < 60 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(lines(), 60, "written ahead while the broker is away")
        first.shutdown(timeout: 0.2) // the broker never came
        XCTAssertEqual(lines(), 60)
        XCTAssertEqual(first.statistics.dropped, 0, "kept, not lost")

        let broker = try MosquittoBroker(port: port)
        let sub = try MosquittoSubscriber(port: broker.port, topics: ["fer-live/door/events", "fer-live/probe"])
        try sub.waitUntilSubscribed(port: broker.port)
        let second = MQTTPublisher(settings: s, logger: logger)
        try second.start()
        second.handle(start(31))
        let seen = sub.wait { self.trackIDs($0).count >= 31 }
        XCTAssertEqual(trackIDs(seen), Array(1...31), "last run's messages first, in order")
        let gone = Date().addingTimeInterval(5)
        while FileManager.default.fileExists(atPath: spool) && Date() < gone { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: spool), "removed once everything in it was delivered")
        second.shutdown()
    }

    func testWrongCredentialsAreRetriedNotFatal() throws {
        try requireBroker()
        let broker = try MosquittoBroker(users: ["cam": "right"])
        var s = settings(port: broker.port)
        s.username = "cam"
        s.password = "wrong"
        let publisher = MQTTPublisher(settings: s, logger: logger)
        try publisher.start()
        publisher.handle(start(1))
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertFalse(publisher.statistics.connected)
        XCTAssertEqual(publisher.statistics.queued, 2, "kept for when the credentials are fixed")
        publisher.shutdown(timeout: 0.1)

        s.password = "right"
        let good = MQTTPublisher(settings: s, logger: logger)
        try good.start()
        good.handle(start(1))
        let deadline = Date().addingTimeInterval(10)
        while good.statistics.sent < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertTrue(good.statistics.connected)
        good.shutdown()
    }
}
