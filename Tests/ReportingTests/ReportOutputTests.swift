import Foundation
import Reporting
import XCTest

/// The page and the CSV: self-contained, aggregates only, one row per bucket and camera.
final class ReportOutputTests: XCTestCase {
    private func twoCameras() throws -> EmotionReport {
        var door = EventLogLines(source: "/dev/video0", origin: EventLogLines.at(9))
        door.sourceEvent(model: "ferplus_resnet24")
        door.face(1, at: 0, ["happy", "neutral"], each: 900)
        var till = EventLogLines(source: "/srv/clips/till, east.mp4", origin: EventLogLines.at(10))
        till.face(1, at: 0, ["sad"], each: 60)
        let logs = try TemporaryLogs()
        return try ReportBuilder(settings: ReportSettings())
            .build(paths: [try logs.write("door.jsonl", door.text), try logs.write("till.jsonl", till.text)])
    }

    func testTheCSVHasOneRowPerBucketAndCameraWithEmptyBucketsToo() throws {
        let r = try twoCameras()
        let rows = ReportCSV.render(r).split(separator: "\n").map(String.init)
        // 09:00 to 10:00: five 15-minute buckets, two cameras.
        XCTAssertEqual(rows.count, 1 + 5 * 2)
        XCTAssertTrue(rows[0].hasPrefix("bucket_start,camera,faces,face_seconds,angry_seconds,"))
        XCTAssertEqual(rows[1].split(separator: ",").prefix(6).joined(separator: ","),
                       "2026-12-04T09:00:00Z,/dev/video0,1,900,0,0")
        XCTAssertTrue(rows[2].hasPrefix("2026-12-04T09:00:00Z,\"/srv/clips/till, east.mp4\",0,0,"), rows[2])
        let header = rows[0].split(separator: ",").map(String.init)
        let happyShare = header.firstIndex(of: "happy_share")!
        XCTAssertEqual(rows[1].split(separator: ",")[happyShare], "1")
        XCTAssertEqual(rows[3].split(separator: ",")[happyShare], "0", "09:15 is neutral")
    }

    func testThePageIsSelfContainedAndShowsTheCharts() throws {
        let r = try twoCameras()
        let html = ReportHTML(modelNotes: ["ferplus_resnet24: 82.1 %"], generatedAt: 0).render(r)
        for id in ["share-over-time", "share-overall", "heat-faces", "heat-focus", "camera-0", "camera-1", "moments"] {
            XCTAssertTrue(html.contains("id=\"\(id)\""), "missing \(id)")
        }
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("http://") || html.contains("https://") || html.contains("src="), "nothing fetched")
        XCTAssertFalse(html.contains("<img"), "no image of a face")
        XCTAssertTrue(html.contains("till, east.mp4"))
        XCTAssertTrue(html.contains("Expressions, not feelings"))
        XCTAssertTrue(html.contains("ferplus_resnet24: 82.1 %"))
        XCTAssertTrue(html.contains("2026-12-04 09:00 – 2026-12-04 10:01"), "the period")
    }

    func testNamesAreEscaped() throws {
        var log = EventLogLines(source: "<img onerror=x>", origin: EventLogLines.at(9))
        log.face(1, at: 0, ["happy"], each: 10)
        log.face(2, at: 0, ["happy"], each: 10)
        var other = EventLogLines(source: "b", origin: EventLogLines.at(9))
        other.face(1, at: 0, ["sad"], each: 10)
        let logs = try TemporaryLogs()
        let r = try ReportBuilder(settings: ReportSettings())
            .build(paths: [try logs.write("a.jsonl", log.text), try logs.write("b.jsonl", other.text)])
        let html = ReportHTML(modelNotes: [], generatedAt: 0).render(r)
        XCTAssertFalse(html.contains("<img"))
        XCTAssertTrue(html.contains("&lt;img onerror=x&gt;"))
    }

    func testParsingOfTimesAndLengths() {
        XCTAssertEqual(UTCTime.parse("1970-01-01T00:00:00Z"), 0)
        XCTAssertEqual(UTCTime.parse("2024-02-29T12:00:00.500Z"), 1_709_208_000.5)
        XCTAssertEqual(UTCTime.parse("2024-02-29T12:00:00+00:00"), 1_709_208_000)
        XCTAssertNil(UTCTime.parse("2024-02-29T12:00:00+01:00"), "only UTC")
        XCTAssertNil(UTCTime.parse("2024-13-01T00:00:00Z"))
        XCTAssertEqual(UTCTime.format(1_709_208_000), "2024-02-29 12:00")
        XCTAssertEqual(UTCTime.format(-1), "1969-12-31 23:59")
        for day in [-800_000, -1, 0, 59, 60, 10_957, 20_000, 800_000] {
            let (y, m, d) = UTCTime.civil(fromDays: day)
            XCTAssertEqual(UTCTime.daysFromCivil(year: y, month: m, day: d), day)
        }
        XCTAssertEqual(ReportSettings.parseDuration("15m"), 900)
        XCTAssertEqual(ReportSettings.parseDuration("1d"), 86_400)
        XCTAssertEqual(ReportSettings.parseDuration("45"), 45)
        XCTAssertNil(ReportSettings.parseDuration("0m"))
        XCTAssertNil(ReportSettings.parseDuration("fortnight"))
        XCTAssertEqual(ReportSettings.parseTime("2026-12-04"), EventLogLines.at(0))
        XCTAssertEqual(ReportSettings.parseTime("2026-12-04T09:30"), EventLogLines.at(9, 30))
    }
}
