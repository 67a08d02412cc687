import Evaluation
import Foundation
import XCTest

/// Collects what a progress bar writes, with a hand-driven clock.
private final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var _writes: [String] = []
    private var _now = 0.0

    var writes: [String] { lock.withLock { _writes } }
    var now: Double {
        get { lock.withLock { _now } }
        set { lock.withLock { _now = newValue } }
    }
    func write(_ text: String) { lock.withLock { _writes.append(text) } }
}

final class ProgressBarTests: XCTestCase {
    func testLineShowsCountPercentRateAndETA() {
        XCTAssertEqual(ProgressBar.line(label: "val", completed: 250, total: 1000, elapsed: 5),
                       "val 250/1000  25.0% [#####...............] 50 img/s ETA 0:15")
        XCTAssertEqual(ProgressBar.line(label: "", completed: 0, total: 10, elapsed: 0),
                       "0/10   0.0% [....................] 0 img/s ETA --:--")
        XCTAssertEqual(ProgressBar.line(label: "", completed: 1, total: 4000, elapsed: 1),
                       "1/4000   0.0% [....................] 1 img/s ETA 1:06:39")
    }

    func testThrottlesToTheIntervalAndClearsOnFinish() {
        let recorder = Recorder()
        let bar = ProgressBar(total: 100, label: "x", writer: { recorder.write($0) },
                              clock: { recorder.now }, interval: 0.1)
        for i in 1...50 {
            recorder.now = Double(i) * 0.01 // 50 updates within 0.5 s
            bar.advance()
        }
        let drawn = recorder.writes.count
        XCTAssertGreaterThanOrEqual(drawn, 4)
        XCTAssertLessThanOrEqual(drawn, 6, "about ten draws per second")
        XCTAssertTrue(recorder.writes.allSatisfy { $0.hasPrefix("\r\u{1B}[2K") })
        recorder.now = 0.51
        bar.update(completed: 100)
        XCTAssertTrue(recorder.writes.last!.contains("100/100 100.0%"), "completion is always drawn")
        bar.finish()
        XCTAssertEqual(recorder.writes.last, "\r\u{1B}[2K")
    }

    func testDisabledBarWritesNothing() {
        let bar = ProgressBar(total: 3, writer: nil)
        XCTAssertFalse(bar.isEnabled)
        bar.advance(by: 3)
        bar.finish()
        // Under `swift test` stderr is usually a pipe or file, so the default bar is off there too.
        if isatty(2) == 0 { XCTAssertFalse(ProgressBar(total: 1).isEnabled) }
    }
}
