import Foundation
import Reporting
import XCTest

/// Face time per bucket, hour and camera from event logs: splitting, boundaries, order, repeats, damage.
final class EventAggregationTests: XCTestCase {
    private func report(_ texts: [(String, String)], settings: ReportSettings = ReportSettings(),
                        gzip: Set<String> = []) throws -> EmotionReport {
        let logs = try TemporaryLogs()
        let paths = try texts.map { name, text in
            gzip.contains(name) ? try logs.writeGzip(name, text) : try logs.write(name, text)
        }
        return try ReportBuilder(settings: settings).build(paths: paths)
    }

    private func seconds(_ report: EmotionReport, _ tally: FaceTime?, _ label: String) -> Double {
        guard let tally, let i = report.labels.firstIndex(of: label) else { return 0 }
        return tally.seconds(of: i)
    }

    private func bucket(_ time: Double, _ size: Int = 900) -> Int { Int(time) / size }

    func testATrackSpanningBucketsIsSplitByTime() throws {
        var log = EventLogLines(origin: EventLogLines.at(9, 14))
        // happy 09:14–09:16, sad 09:16–09:17.
        log.start(1, at: 0)
        log.emotion(1, "happy", at: 0)
        log.emotion(1, "sad", at: 120, previous: "happy")
        log.end(1, firstSeen: 0, lastSeen: 180)
        let r = try report([("events.jsonl", log.text)])
        let early = r.overall.buckets[bucket(EventLogLines.at(9, 0))]
        let late = r.overall.buckets[bucket(EventLogLines.at(9, 15))]
        XCTAssertEqual(seconds(r, early, "happy"), 60, accuracy: 0.01)
        XCTAssertEqual(seconds(r, late, "happy"), 60, accuracy: 0.01)
        XCTAssertEqual(seconds(r, late, "sad"), 60, accuracy: 0.01)
        XCTAssertEqual(early?.faces, 1)
        XCTAssertEqual(late?.faces, 1)
        XCTAssertEqual(r.overall.tracks, 1, "one face, counted once overall")
        XCTAssertEqual(r.overall.medianDwell ?? 0, 180, accuracy: 0.01)
        XCTAssertEqual(r.overall.total.share(of: r.labels.firstIndex(of: "happy")!), 2.0 / 3, accuracy: 1e-6)
    }

    func testFaceTimeNotFramesWeighsTheShares() throws {
        // One happy face for 100 s, one sad face for 10 s: happy is 100/110 of the face time.
        var log = EventLogLines(origin: EventLogLines.at(10))
        log.face(1, at: 0, ["happy"], each: 100)
        log.face(2, at: 0, ["sad"], each: 10)
        let r = try report([("events.jsonl", log.text)])
        XCTAssertEqual(r.overall.total.share(of: r.labels.firstIndex(of: "happy")!), 100.0 / 110, accuracy: 1e-6)
        XCTAssertEqual(r.overall.tracks, 2)
        XCTAssertEqual(r.overall.medianDwell ?? 0, 55, accuracy: 0.01)
    }

    func testADayBoundarySplitsHoursAndDays() throws {
        var log = EventLogLines(origin: EventLogLines.at(23, 59) + 30)
        log.face(1, at: 0, ["neutral"], each: 60) // 23:59:30 → 00:00:30 the next day
        let r = try report([("events.jsonl", log.text)], settings: ReportSettings(bucketSeconds: 3600))
        let lastHour = r.overall.hours[Int(EventLogLines.at(23)) / 3600]
        let firstHour = r.overall.hours[Int(EventLogLines.at(0, day: 5)) / 3600]
        XCTAssertEqual(seconds(r, lastHour, "neutral"), 30, accuracy: 0.01)
        XCTAssertEqual(seconds(r, firstHour, "neutral"), 30, accuracy: 0.01)
        XCTAssertEqual(r.bucketRange?.count, 2)
        let html = ReportHTML(modelNotes: [], generatedAt: 0).render(r)
        XCTAssertTrue(html.contains("2026-12-04") && html.contains("2026-12-05"), "both days in the heat map")
    }

    func testCamerasAreKeptApartAndSummed() throws {
        var door = EventLogLines(source: "/dev/video0", origin: EventLogLines.at(9))
        door.face(1, at: 0, ["happy"], each: 30)
        var till = EventLogLines(source: "/dev/video2", origin: EventLogLines.at(9))
        till.face(1, at: 0, ["angry"], each: 20) // same track id, other camera
        till.face(2, at: 40, ["angry"], each: 20)
        let r = try report([("door.jsonl", door.text), ("till.jsonl", till.text)])
        XCTAssertEqual(r.cameras.map(\.name), ["video0", "video2"])
        XCTAssertEqual(r.cameras.map(\.tracks), [1, 2])
        XCTAssertEqual(r.overall.tracks, 3)
        XCTAssertEqual(seconds(r, r.overall.total, "angry"), 40, accuracy: 0.01)
        XCTAssertEqual(seconds(r, r.cameras[0].total, "angry"), 0)
        let only = try report([("door.jsonl", door.text), ("till.jsonl", till.text)],
                              settings: ReportSettings(cameras: ["video2"]))
        XCTAssertEqual(only.cameras.map(\.name), ["video2"])
    }

    func testRotatedLogsGivenOutOfOrderJoinATrack() throws {
        // A face starts in the older (rotated, compressed) log and ends in the current one.
        var older = EventLogLines(origin: EventLogLines.at(12))
        older.face(1, at: 0, ["happy"], each: 10)
        older.start(2, at: 20)
        older.emotion(2, "surprise", at: 20)
        var newer = EventLogLines(origin: EventLogLines.at(12))
        newer.emotion(2, "happy", at: 50, previous: "surprise")
        newer.end(2, firstSeen: 20, lastSeen: 80)
        let r = try report([("events.jsonl", newer.text), ("events.jsonl.1", older.text)], gzip: ["events.jsonl.1"])
        XCTAssertEqual(r.overall.tracks, 2)
        XCTAssertEqual(r.input.unfinishedTracks, 0)
        XCTAssertEqual(seconds(r, r.overall.total, "surprise"), 30, accuracy: 0.01)
        XCTAssertEqual(seconds(r, r.overall.total, "happy"), 40, accuracy: 0.01)
    }

    func testRepeatedLinesAndLogsCountOnce() throws {
        var log = EventLogLines(origin: EventLogLines.at(8))
        log.face(1, at: 0, ["happy", "sad"], each: 10)
        log.face(2, at: 30, ["fear"], each: 10)
        let once = try report([("a.jsonl", log.text)])
        var doubled = log
        doubled.raw(log.lines[2]) // a repeated line in the same log
        let twice = try report([("a.jsonl", doubled.text), ("copy.jsonl", log.text)])
        XCTAssertEqual(twice.overall.tracks, once.overall.tracks)
        XCTAssertEqual(twice.overall.total, once.overall.total)
        XCTAssertGreaterThanOrEqual(twice.input.duplicates, log.lines.count)
    }

    func testTruncatedAndForeignLinesAreCountedNotFatal() throws {
        var log = EventLogLines(origin: EventLogLines.at(8))
        log.face(1, at: 0, ["happy"], each: 10)
        let full = log.lines[1]
        log.raw(String(full.prefix(full.count / 2))) // cut mid-line
        log.raw("not json at all")
        log.raw("{\"type\":\"emotion\",\"source\":\"x\"}") // no time
        log.face(2, at: 20, ["sad"], each: 10)
        let r = try report([("events.jsonl", log.text)])
        XCTAssertEqual(r.input.badLines, 3)
        XCTAssertTrue(r.input.badLineExamples[0].hasSuffix("events.jsonl:4: not a JSON object (truncated line?)"),
                      r.input.badLineExamples[0])
        XCTAssertTrue(r.input.badLineExamples[2].contains("missing field \"time\""), r.input.badLineExamples[2])
        XCTAssertEqual(r.overall.tracks, 2)
    }

    func testADamagedCompressedLogKeepsTheLinesBeforeTheDamage() throws {
        var log = EventLogLines(origin: EventLogLines.at(8))
        for i in 0..<400 { log.face(i + 1, at: Double(i) * 5, ["happy"], each: 4) }
        let logs = try TemporaryLogs()
        let path = try logs.writeGzip("events.jsonl", log.text)
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data = data.prefix(data.count / 2)
        try data.write(to: URL(fileURLWithPath: path))
        let r = try ReportBuilder(settings: ReportSettings()).build(paths: [path])
        XCTAssertEqual(r.input.damagedFiles.count, 1)
        XCTAssertTrue(r.input.damagedFiles[0].contains("events.jsonl.gz"), r.input.damagedFiles[0])
        XCTAssertGreaterThan(r.overall.tracks, 20)
        XCTAssertLessThan(r.overall.tracks, 400)
    }

    func testAMissingLogIsAnErrorNamingIt() {
        XCTAssertThrowsError(try ReportBuilder(settings: ReportSettings()).build(paths: ["/nonexistent/events.jsonl"])) {
            XCTAssertEqual($0 as? ReportError, .cannotOpen(path: "/nonexistent/events.jsonl", reason: "No such file or directory"))
        }
    }

    func testSinceAndUntilClipFaceTime() throws {
        var log = EventLogLines(origin: EventLogLines.at(9))
        log.face(1, at: 0, ["happy"], each: 600) // 09:00–09:10
        log.face(2, at: 3600, ["sad"], each: 60) // 10:00–10:01
        let r = try report([("e.jsonl", log.text)],
                           settings: ReportSettings(since: EventLogLines.at(9, 5), until: EventLogLines.at(10)))
        XCTAssertEqual(r.overall.tracks, 1)
        XCTAssertEqual(seconds(r, r.overall.total, "happy"), 300, accuracy: 0.01)
        XCTAssertEqual(r.firstTime ?? 0, EventLogLines.at(9, 5), accuracy: 0.01)
        let none = try report([("e.jsonl", log.text)], settings: ReportSettings(since: EventLogLines.at(11)))
        XCTAssertTrue(none.isEmpty)
    }

    func testUnfinishedTracksUseTheirLastEventAndTheTrackEndShareWithoutEmotionEvents() throws {
        var log = EventLogLines(origin: EventLogLines.at(14))
        log.start(1, at: 0)
        log.emotion(1, "happy", at: 0)
        log.emotion(1, "uncertain", at: 30, previous: "happy")
        log.emotion(1, "happy", at: 40, previous: "uncertain") // the log is cut here: no track_end
        log.end(7, firstSeen: 100, lastSeen: 140, share: ["neutral": 0.75, "fear": 0.25]) // no emotion lines
        let r = try report([("e.jsonl", log.text)])
        XCTAssertEqual(r.input.unfinishedTracks, 1)
        XCTAssertEqual(r.overall.tracks, 2)
        XCTAssertEqual(seconds(r, r.overall.total, "happy"), 30, accuracy: 0.01)
        XCTAssertEqual(seconds(r, r.overall.total, "uncertain"), 10, accuracy: 0.01)
        XCTAssertEqual(r.uncertainShare, 10.0 / 80, accuracy: 1e-9)
        XCTAssertEqual(seconds(r, r.overall.total, "neutral"), 30, accuracy: 0.01)
        XCTAssertEqual(seconds(r, r.overall.total, "fear"), 10, accuracy: 0.01)
        XCTAssertEqual(r.labels.last, "uncertain")
    }

    func testMomentsFindTheBucketWhereAnEmotionJumped() throws {
        var log = EventLogLines(origin: EventLogLines.at(9))
        var id = 0
        for quarter in 0..<8 {
            let label = quarter == 5 ? "surprise" : "neutral"
            for k in 0..<4 {
                id += 1
                log.face(id, at: Double(quarter * 900 + k * 200), [label], each: 120)
            }
        }
        let r = try report([("e.jsonl", log.text)])
        XCTAssertEqual(r.moments.first?.label, "surprise")
        XCTAssertEqual(r.moments.first?.start ?? 0, EventLogLines.at(10, 15), accuracy: 0.01)
        XCTAssertEqual(r.moments.first?.after ?? 0, 1, accuracy: 1e-9)
        XCTAssertEqual(r.moments.count, 2, "surprise up at 10:15, neutral back up at 10:30")
    }

    func testTheModelNamedInTheLogIsReported() throws {
        var log = EventLogLines(origin: EventLogLines.at(9))
        log.sourceEvent(model: "ferplus_resnet24")
        log.face(1, at: 0, ["happy"], each: 10)
        log.stats(at: 10)
        let r = try report([("e.jsonl", log.text)])
        XCTAssertEqual(r.models, ["ferplus_resnet24"])
        XCTAssertEqual(r.input.lines, log.lines.count)
    }
}
