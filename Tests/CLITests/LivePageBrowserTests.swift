import Foundation
import TestSupport
import XCTest

/// The live page at `/`, opened in headless chromium against `fer-live --http` on the demo clip.
final class LivePageBrowserTests: XCTestCase {
    private func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    func testTheLivePageFillsFromTheEventStreamWithoutErrors() throws {
        guard HeadlessChromium.path != nil else { throw XCTSkip(HeadlessChromium.missing) }
        let (process, port, _) = try DemoClipServer.launch([])
        defer { if process.isRunning { DemoClipServer.stop(process) } }
        let page = try HTTPTestClient.get(port: port, path: "/")
        XCTAssertEqual(page.headers["content-type"], "text/html; charset=utf-8")
        XCTAssertEqual(count("data-type=", in: page.text), 0, "the page as served has no events yet")
        XCTAssertFalse(page.text.contains("http://1") || page.text.contains("https://"), "nothing fetched from elsewhere")

        let visit = try HeadlessChromium.visit("http://127.0.0.1:\(port)/", at: [2.5, 5])
        XCTAssertEqual(visit.console, [], "no console errors")
        let dom = visit.doms[0]
        XCTAssertGreaterThan(count("<li data-type=", in: dom), 0, "events arrived over SSE and were listed:\n\(dom)")
        XCTAssertGreaterThan(count("data-track=", in: dom), 0, "the faces in view are shown")
        XCTAssertTrue(dom.contains("class=\"pill ok\""), "health shown")
        XCTAssertGreaterThan(count("<rect", in: dom), 0, "the last hour's chart is drawn")
        XCTAssertTrue(dom.contains("id=\"snapshot-box\" hidden"), "no frame without --allow-snapshots")
        XCTAssertFalse(dom.contains("src=\"/snapshot.jpg?"))
        // The looping clip keeps producing events: the list at 5 s is not the list at 2.5 s.
        XCTAssertNotEqual(eventList(visit.doms[0]), eventList(visit.doms[1]), "the page follows the stream")
    }

    private func eventList(_ dom: String) -> String {
        guard let start = dom.range(of: "<ul id=\"events\">"), let end = dom.range(of: "</ul>", range: start.upperBound..<dom.endIndex)
        else { return "" }
        return String(dom[start.upperBound..<end.lowerBound])
    }

    func testTheFrameIsShownOnlyWithAllowSnapshots() throws {
        guard HeadlessChromium.path != nil else { throw XCTSkip(HeadlessChromium.missing) }
        let (process, port, _) = try DemoClipServer.launch(["--allow-snapshots"])
        defer { if process.isRunning { DemoClipServer.stop(process) } }
        let visit = try HeadlessChromium.visit("http://127.0.0.1:\(port)/", at: [3], screenshot: true, height: 1200)
        XCTAssertEqual(visit.console, [])
        XCTAssertTrue(visit.doms[0].contains("src=\"/snapshot.jpg?"), visit.doms[0])
        XCTAssertFalse(visit.doms[0].contains("id=\"snapshot-box\" hidden"))
        XCTAssertTrue(visit.doms[0].contains("id=\"snapshot\""))
        XCTAssertFalse(visit.png.isEmpty)
    }
}
