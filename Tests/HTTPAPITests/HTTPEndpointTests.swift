import Capture
import Foundation
import HTTPAPI
import Imaging
import Logging
import Pipeline
import TestSupport
import XCTest

/// A monotonic clock the tests move by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 1000.0
    var now: Double { lock.withLock { value } }
    func advance(_ s: Double) { lock.withLock { value += s } }
}

/// The HTTP endpoint in-process on a loopback port, fed with synthetic frames and events.
final class HTTPEndpointTests: XCTestCase {
    private var server: HTTPServer?
    private var state: LiveState!
    private var port = 0
    private let clock = ManualClock()

    private func start(allowSnapshots: Bool = false) throws {
        let clock = self.clock
        state = LiveState(sourceName: "test.mjpeg", allowSnapshots: allowSnapshots, eventBuffer: 8,
                          clock: { clock.now })
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let server = HTTPServer(address: HTTPAddress(host: "127.0.0.1", port: 0), state: state, logger: logger)
        port = try server.start()
        XCTAssertGreaterThan(port, 0)
        self.server = server
    }

    override func tearDown() {
        server?.stop()
        server = nil
    }

    private func frame(sequence: Int, time: Double, faces: [FaceState], latency: Double = 0.04,
                       dropped: Int = 0) throws -> FrameResult {
        let luma = try Image(width: 64, height: 48, format: .gray8, pixels: [UInt8](repeating: 90, count: 64 * 48))
        let yuv = try YUVImage(luma: luma, cb: [UInt8](repeating: 128, count: 32 * 24),
                               cr: [UInt8](repeating: 160, count: 32 * 24), chromaWidth: 32, chromaHeight: 24,
                               range: .full)
        var timings = StageTimings()
        timings.decode = 1.5; timings.detect = 12; timings.track = 0.7; timings.classify = 3
        let analysis = FrameAnalysis(sequence: sequence, time: time, detected: true, faces: faces, started: [],
                                     ended: [], emotionChanges: [], timings: timings)
        return FrameResult(frame: yuv, analysis: analysis, latency: latency, fps: 25, dropped: dropped)
    }

    private func face(_ id: Int, _ label: String?, x: Float = 10) -> FaceState {
        let emotion = label.map {
            SmoothedEmotion(label: $0, confidence: 0.8, labels: ["happy", "neutral"],
                            probabilities: $0 == "happy" ? [0.8, 0.2] : [0.2, 0.8])
        }
        return FaceState(id: id, box: Rect(x: x, y: 8, width: 20, height: 24), landmarks: nil, emotion: emotion,
                         prediction: nil, age: 1.25)
    }

    func testAddressParsing() throws {
        XCTAssertEqual(try HTTPAddress(parsing: "127.0.0.1:9090"), HTTPAddress(host: "127.0.0.1", port: 9090))
        XCTAssertEqual(try HTTPAddress(parsing: "[::1]:80"), HTTPAddress(host: "::1", port: 80))
        XCTAssertEqual(try HTTPAddress(parsing: ":9090"), HTTPAddress(host: "127.0.0.1", port: 9090))
        XCTAssertTrue(try HTTPAddress(parsing: "localhost:1").isLoopback)
        XCTAssertFalse(try HTTPAddress(parsing: "0.0.0.0:9090").isLoopback)
        XCTAssertThrowsError(try HTTPAddress(parsing: "9090")) { XCTAssertEqual($0 as? HTTPAddressError, .missingPort("9090")) }
        XCTAssertThrowsError(try HTTPAddress(parsing: "127.0.0.1:99999")) { XCTAssertEqual($0 as? HTTPAddressError, .badPort("127.0.0.1:99999")) }
        XCTAssertThrowsError(try HTTPAddress(parsing: "::1:9090")) { XCTAssertEqual($0 as? HTTPAddressError, .badHost("::1:9090")) }
    }

    func testBusyPortIsAClearError() throws {
        try start()
        let other = HTTPServer(address: HTTPAddress(host: "127.0.0.1", port: port), state: state,
                               logger: Logger(label: "test"))
        XCTAssertThrowsError(try other.start()) { error in
            XCTAssertTrue("\(error)".hasPrefix("--http 127.0.0.1:\(port): cannot listen"), "\(error)")
        }
        other.stop()
    }

    func testMetricsCountFramesAndPassPromtool() throws {
        try start()
        let statistics = PipelineStatistics()
        state.attach(statistics)
        for _ in 0..<7 { statistics.frameCaptured() }
        statistics.framesDropped(2)
        statistics.frameSkipped()
        state.handle(.source(.streaming(mode: "64x48 mjpeg 25 fps"), time: 0))
        state.handle(.trackStart(face(1, nil), frame: 0, time: 0))
        try state.handle(frame(sequence: 0, time: 0, faces: [face(1, "happy")]))
        try state.handle(frame(sequence: 1, time: 0.5, faces: [face(1, "happy"), face(2, "neutral", x: 40)]))
        state.handle(.emotion(EmotionChange(track: 1, previous: nil, emotion: face(1, "happy").emotion!), box: nil,
                              frame: 1, time: 0.5))

        let response = try HTTPTestClient.get(port: port, path: "/metrics")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        let text = response.text
        for line in [
            "fer_live_frames_analyzed_total 2", "fer_live_frames_captured_total 7", "fer_live_frames_dropped_total 2",
            "fer_live_frames_skipped_total 1", "fer_live_faces 2.0", "fer_live_tracks_started_total 1",
            "fer_live_source_up 1.0", #"fer_live_emotion_changes_total{emotion="happy"} 1"#,
            #"fer_live_stage_duration_seconds_count{stage="detect"} 2"#, "fer_live_frame_latency_seconds_count 2",
            // 0.5 s between the frames, one happy and one neutral face in the second one... the first has none before.
            #"fer_live_emotion_face_seconds_total{emotion="happy"} 0.5"#,
        ] {
            XCTAssertTrue(text.contains(line + "\n"), "missing '\(line)' in:\n\(text)")
        }
        // 12 ms detection falls in the 0.025 s bucket, not the 0.01 one.
        XCTAssertTrue(text.contains(#"fer_live_stage_duration_seconds_bucket{stage="detect",le="0.01"} 0"#), text)
        XCTAssertTrue(text.contains(#"fer_live_stage_duration_seconds_bucket{stage="detect",le="0.025"} 2"#), text)
        XCTAssertFalse(text.contains("track=\""), "no per-track labels")

        // Counters mirror the pipeline's totals without counting twice.
        statistics.frameCaptured()
        let again = try HTTPTestClient.get(port: port, path: "/metrics").text
        XCTAssertTrue(again.contains("fer_live_frames_captured_total 8\n"), again)

        guard let check = try promtoolCheckMetrics(text) else {
            throw XCTSkip("promtool not installed (Debian package prometheus): /metrics format not checked")
        }
        XCTAssertEqual(check.status, 0, "promtool check metrics:\n\(check.stdout)\(check.stderr)\n\(text)")
    }

    func testHealthFollowsFrames() throws {
        try start()
        var response = try HTTPTestClient.get(port: port, path: "/healthz")
        XCTAssertEqual(response.status, 503)
        var report = try JSONDecoder().decode(HealthDoc.self, from: Data(response.body))
        XCTAssertEqual(report.status, "starting")
        XCTAssertNil(report.last_frame_age_seconds)

        state.handle(.source(.streaming(mode: "64x48 mjpeg 25 fps"), time: 0))
        clock.advance(0.5)
        response = try HTTPTestClient.get(port: port, path: "/healthz")
        XCTAssertEqual(try JSONDecoder().decode(HealthDoc.self, from: Data(response.body)).status, "starting",
                       "streaming, the first frame still in analysis: not stalled yet")
        try state.handle(frame(sequence: 0, time: 0, faces: []))
        clock.advance(0.25)
        response = try HTTPTestClient.get(port: port, path: "/healthz")
        XCTAssertEqual(response.status, 200)
        report = try JSONDecoder().decode(HealthDoc.self, from: Data(response.body))
        XCTAssertEqual(report.status, "ok")
        XCTAssertEqual(report.source, "streaming")
        XCTAssertEqual(report.detail, "streaming 64x48 mjpeg 25 fps")
        XCTAssertEqual(report.last_frame_age_seconds ?? -1, 0.25, accuracy: 0.001)

        clock.advance(3)
        response = try HTTPTestClient.get(port: port, path: "/healthz")
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(try JSONDecoder().decode(HealthDoc.self, from: Data(response.body)).status, "stalled")

        state.handle(.source(.waiting(reason: "waiting for /dev/video0: no such device"), time: 4))
        response = try HTTPTestClient.get(port: port, path: "/healthz")
        report = try JSONDecoder().decode(HealthDoc.self, from: Data(response.body))
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(report.status, "waiting")
        XCTAssertEqual(report.detail, "waiting for /dev/video0: no such device")

        // Back after the unplug: a fresh grace period, then stalled if no frame comes.
        state.handle(.source(.streaming(mode: "64x48 mjpeg 25 fps"), time: 5))
        response = try HTTPTestClient.get(port: port, path: "/healthz")
        XCTAssertEqual(try JSONDecoder().decode(HealthDoc.self, from: Data(response.body)).status, "starting")
        clock.advance(3)
        response = try HTTPTestClient.get(port: port, path: "/healthz")
        XCTAssertEqual(try JSONDecoder().decode(HealthDoc.self, from: Data(response.body)).status, "stalled")
    }

    func testTracksAreTheLastFramesFaces() throws {
        try start()
        XCTAssertEqual(try HTTPTestClient.get(port: port, path: "/api/v1/tracks").text, #"{"tracks":[]}"# + "\n")
        try state.handle(frame(sequence: 41, time: 1.64, faces: [face(3, "happy"), face(4, nil, x: 40),
                                                                 face(5, "uncertain", x: 70)]))
        let response = try HTTPTestClient.get(port: port, path: "/api/v1/tracks")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["content-type"], "application/json")
        let doc = try JSONDecoder().decode(TracksDoc.self, from: Data(response.body))
        XCTAssertEqual(doc.frame, 41)
        XCTAssertEqual(doc.tracks.map(\.id), [3, 4, 5])
        XCTAssertEqual(doc.tracks[0].emotion, "happy")
        XCTAssertEqual(doc.tracks[0].uncertain, false)
        XCTAssertEqual(doc.tracks[2].emotion, "uncertain")
        XCTAssertEqual(doc.tracks[2].uncertain, true)
        XCTAssertNil(doc.tracks[1].uncertain, "not classified yet")
        XCTAssertEqual(doc.tracks[0].probabilities?["happy"] ?? 0, 0.8, accuracy: 1e-6)
        XCTAssertEqual(doc.tracks[0].box["width"], 20)
        XCTAssertEqual(doc.tracks[0].age_seconds, 1.25)
        XCTAssertNil(doc.tracks[1].emotion)

        state.handle(.trackEnd(TrackSummary(track: 3, firstSeen: 0, lastSeen: 1.6, reason: "lost", emotionShare: [:],
                                            meanConfidence: nil, dominantEmotion: nil), time: 1.7))
        let after = try JSONDecoder().decode(TracksDoc.self, from: Data(
            try HTTPTestClient.get(port: port, path: "/api/v1/tracks").body))
        XCTAssertEqual(after.tracks.map(\.id), [4, 5])
    }

    func testEventsStreamAsNDJSONAndSSE() throws {
        try start()
        let ndjson = try HTTPTestClient(port: port, path: "/api/v1/events")
        let sse = try HTTPTestClient(port: port, path: "/api/v1/events", headers: ["Accept": "text/event-stream"])
        let (status, headers) = try ndjson.readHead()
        XCTAssertEqual(status, 200)
        XCTAssertEqual(headers["content-type"], "application/x-ndjson")
        XCTAssertEqual(try sse.readHead().1["content-type"], "text/event-stream")
        try waitFor { self.state.events.clientCount == 2 }

        state.handle(.trackStart(face(5, nil), frame: 3, time: 0.12))
        state.handle(.trackEnd(TrackSummary(track: 5, firstSeen: 0.12, lastSeen: 2, reason: "lost",
                                            emotionShare: ["happy": 1], meanConfidence: 0.9, dominantEmotion: "happy"),
                               time: 2))
        let lines = try ndjson.readLines(2) { $0.hasPrefix("{") }
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        XCTAssertEqual(objects.map { $0["type"] as? String }, ["track_start", "track_end"])
        XCTAssertEqual(objects[0]["track"] as? Int, 5)
        XCTAssertEqual(objects[0]["source"] as? String, "test.mjpeg")
        let sseLines = try sse.readLines(2) { $0.hasPrefix("data: ") }
        XCTAssertEqual(sseLines.map { String($0.dropFirst(6)) }, lines)

        // Shutting down ends the streams (a client sees the end of the response).
        server?.stop()
        XCTAssertTrue(ndjson.readsToEnd())
    }

    func testSlowClientLosesOldestLinesAndTheyAreCounted() throws {
        let broadcaster = EventBroadcaster(capacity: 2)
        let stream = broadcaster.subscribe()
        for i in 0..<5 { broadcaster.publish("line \(i)") }
        broadcaster.close()
        let received = try awaitLines(stream)
        XCTAssertEqual(received, ["line 3", "line 4"])

        try start()  // eventBuffer 8
        let slow = state.events.subscribe()
        for i in 0..<12 { state.handle(.source(.waiting(reason: "r\(i)"), time: Double(i))) }
        state.events.close()
        XCTAssertEqual(try awaitLines(slow).count, 8)
        XCTAssertTrue(state.metricsText().contains("fer_live_http_events_dropped_total 4\n"))
    }

    func testSnapshotOnlyWhenAllowed() throws {
        try start(allowSnapshots: false)
        try state.handle(frame(sequence: 0, time: 0, faces: [face(1, "happy")]))
        let refused = try HTTPTestClient.get(port: port, path: "/snapshot.jpg")
        XCTAssertEqual(refused.status, 404)
        XCTAssertFalse(refused.body.starts(with: [0xFF, 0xD8]))
        server?.stop()

        try start(allowSnapshots: true)
        XCTAssertEqual(try HTTPTestClient.get(port: port, path: "/snapshot.jpg").status, 503, "no frame yet")
        try state.handle(frame(sequence: 0, time: 0, faces: [face(1, "happy")]))
        let shot = try HTTPTestClient.get(port: port, path: "/snapshot.jpg")
        XCTAssertEqual(shot.status, 200)
        XCTAssertEqual(shot.headers["content-type"], "image/jpeg")
        let image = try ImageCodec.decode(data: shot.body, as: .rgb8, name: "snapshot.jpg")
        XCTAssertEqual(image.width, 64)
        XCTAssertEqual(image.height, 48)
        // The box is drawn in the emotion's colour: a pixel on its left edge differs from the background beside it.
        let edge = image.pixels[(30 * 64 + 10) * 3 ..< (30 * 64 + 10) * 3 + 3]
        let inside = image.pixels[(30 * 64 + 4) * 3 ..< (30 * 64 + 4) * 3 + 3]
        XCTAssertGreaterThan(zip(edge, inside).map { abs(Int($0) - Int($1)) }.max() ?? 0, 40)
    }

    func testUnknownPathIs404() throws {
        try start()
        XCTAssertEqual(try HTTPTestClient.get(port: port, path: "/nope").status, 404)
    }

    // MARK: Helpers

    private func waitFor(_ condition: () -> Bool, timeout: Double = 5) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else { throw HTTPTestError("condition not met in \(timeout) s") }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    private func awaitLines(_ stream: AsyncStream<String>) throws -> [String] {
        let box = LinesBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            var lines: [String] = []
            for await line in stream { lines.append(line) }
            box.set(lines)
            done.signal()
        }
        guard done.wait(timeout: .now() + 5) == .success else { throw HTTPTestError("stream did not end") }
        return box.get()
    }
}

private final class LinesBox: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func set(_ l: [String]) { lock.withLock { lines = l } }
    func get() -> [String] { lock.withLock { lines } }
}

private struct HealthDoc: Decodable {
    var status: String
    var source: String
    var detail: String
    var last_frame_age_seconds: Double?
    var frames_analyzed: Int
}

private struct TracksDoc: Decodable {
    struct Track: Decodable {
        var id: Int
        var box: [String: Double]
        var emotion: String?
        var uncertain: Bool?
        var confidence: Double?
        var probabilities: [String: Double]?
        var age_seconds: Double
    }
    var frame: Int?
    var t: Double?
    var tracks: [Track]
}
