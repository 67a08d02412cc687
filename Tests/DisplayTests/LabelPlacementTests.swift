import Display
import Imaging
import XCTest

/// The layout pass for tags and panels: no overlaps, nothing over another face, inside the video, no jumping.
final class LabelPlacementTests: XCTestCase {
    private let viewport = Rect(x: 0, y: 0, width: 640, height: 480)

    /// A crowded row of faces, as at a counter: six boxes with little room between them.
    private func crowd(dx: Float = 0) -> [LabelPlacement.Request] {
        (0..<6).map { i in
            let box = Rect(x: 20 + Float(i) * 105 + dx, y: 150 + Float(i % 2) * 60, width: 80, height: 96)
            return LabelPlacement.Request(id: i + 1, box: box, tagSize: (96, 18), panelSize: (110, 7 * 14 + 8),
                                          compactPanelSize: (110, 3 * 14 + 8))
        }
    }

    private func check(_ placed: [LabelPlacement.Placed], _ requests: [LabelPlacement.Request],
                       file: StaticString = #filePath, line: UInt = #line) {
        let rects = placed.flatMap { [$0.tag] + ($0.panel.map { [$0] } ?? []) }
        for (i, a) in rects.enumerated() {
            XCTAssertEqual(a.intersection(viewport), a, "label \(a) leaves the video", file: file, line: line)
            for b in rects[(i + 1)...] {
                XCTAssertEqual(a.intersection(b).area, 0, "labels \(a) and \(b) overlap", file: file, line: line)
            }
        }
        for p in placed {
            for r in requests {
                XCTAssertEqual(p.tag.intersection(r.box).area, 0, "#\(p.id)'s tag covers face #\(r.id)", file: file, line: line)
                if let panel = p.panel {
                    XCTAssertEqual(panel.intersection(r.box).area, 0, "#\(p.id)'s panel covers face #\(r.id)",
                                   file: file, line: line)
                }
            }
        }
    }

    func testSixCrowdedFacesGetSeparateLabels() {
        var placement = LabelPlacement()
        let requests = crowd()
        let placed = placement.place(requests, in: viewport)
        XCTAssertEqual(placed.count, 6)
        XCTAssertTrue(placed.allSatisfy(\.isClear), "\(placed)")
        check(placed, requests)
        // The naive placement (every panel right of its box) would overlap the next face: the pass is needed.
        let naive = requests.map { r in Rect(x: r.box.maxX + 2, y: r.box.minY, width: 110, height: 106) }
        XCTAssertTrue(naive.indices.contains { i in requests.contains { $0.id != i + 1 && naive[i].intersection($0.box).area > 0 } })
    }

    func testLabelsKeepTheirSideWhileTheFacesMove() {
        var placement = LabelPlacement()
        let first = placement.place(crowd(), in: viewport)
        for step in 1...10 {
            let requests = crowd(dx: Float(step) * 0.7)
            let placed = placement.place(requests, in: viewport)
            check(placed, requests)
            XCTAssertEqual(placed.map(\.tagSide), first.map(\.tagSide), "tags jumped at step \(step)")
            XCTAssertEqual(placed.map(\.panelSide), first.map(\.panelSide), "panels jumped at step \(step)")
        }
    }

    func testFacesAtTheEdgesKeepLabelsInsideTheVideo() {
        var placement = LabelPlacement()
        let requests = [
            LabelPlacement.Request(id: 1, box: Rect(x: 0, y: 0, width: 90, height: 110), tagSize: (100, 18), panelSize: (110, 106)),
            LabelPlacement.Request(id: 2, box: Rect(x: 560, y: 190, width: 80, height: 100), tagSize: (100, 18), panelSize: (110, 106)),
            LabelPlacement.Request(id: 3, box: Rect(x: 300, y: 400, width: 64, height: 80), tagSize: (100, 18), panelSize: (110, 106)),
        ]
        let placed = placement.place(requests, in: viewport)
        check(placed, requests)
        XCTAssertEqual(placed[0].tagSide, .below, "no room above a face at the top")
        XCTAssertEqual(placed[1].panelSide, .left, "no room right of a face at the right edge")
        XCTAssertNotNil(placed[2].panel, "a face at the bottom edge still gets its panel")
        XCTAssertTrue(placed.allSatisfy(\.isClear))
    }

    func testResultsFollowTheRequestsOrderEvenWithRepeatedIDs() {
        var placement = LabelPlacement()
        let requests = crowd().reversed() + [LabelPlacement.Request(id: 3, box: Rect(x: 300, y: 400, width: 40, height: 50),
                                                                     tagSize: (60, 16))]
        let placed = placement.place(Array(requests), in: viewport)
        XCTAssertEqual(placed.map(\.id), requests.map(\.id))
        for (p, r) in zip(placed, requests) where p.isClear {
            XCTAssertEqual(p.tag.intersection(r.box).area, 0)
            XCTAssertLessThan(p.tag.center.distance(to: r.box.center), 150, "each tag stays by its own face")
        }
    }

    func testWhenNothingFitsThePanelShrinksThenTakesTheLeastCoveringSpot() {
        var placement = LabelPlacement()
        // A small video almost filled by two faces.
        let small = Rect(x: 0, y: 0, width: 300, height: 200)
        let requests = [
            LabelPlacement.Request(id: 1, box: Rect(x: 10, y: 30, width: 120, height: 140), tagSize: (80, 16),
                                   panelSize: (100, 106), compactPanelSize: (100, 50)),
            LabelPlacement.Request(id: 2, box: Rect(x: 170, y: 30, width: 120, height: 140), tagSize: (80, 16),
                                   panelSize: (100, 106), compactPanelSize: (100, 50)),
        ]
        let placed = placement.place(requests, in: small)
        XCTAssertTrue(placed.allSatisfy { $0.panelIsCompact || $0.panel == nil }, "no room for a full panel: \(placed)")
        let panels = placed.compactMap(\.panel)
        for (i, a) in panels.enumerated() {
            XCTAssertEqual(a.intersection(small), a)
            for b in panels[(i + 1)...] { XCTAssertEqual(a.intersection(b).area, 0) }
            for r in requests { XCTAssertEqual(a.intersection(r.box).area, 0, "a panel covers a face") }
            for p in placed { XCTAssertEqual(a.intersection(p.tag).area, 0, "a panel covers a tag") }
        }
        // A video too small for any panel: no panel at all rather than one over the faces.
        var tiny = LabelPlacement()
        let none = tiny.place(requests, in: Rect(x: 0, y: 0, width: 300, height: 40))
        XCTAssertTrue(none.allSatisfy { $0.panel == nil && !$0.isClear })
    }
}
