import Pipeline
import XCTest

final class LatencyHistogramTests: XCTestCase {
    func testPercentilesOfAKnownDistribution() {
        var h = LatencyHistogram()
        for i in 1...100 { h.record(Double(i)) }  // 1 ... 100 ms
        XCTAssertEqual(h.count, 100)
        XCTAssertEqual(h.mean, 50.5, accuracy: 1e-9)
        XCTAssertEqual(h.percentile(0.5), 50, accuracy: 0.11)
        XCTAssertEqual(h.percentile(0.99), 99, accuracy: 0.11)
        XCTAssertEqual(h.percentile(1.0), 100, accuracy: 0.11)
        XCTAssertEqual(h.maximum, 100)
    }

    func testOverflowAndBadValues() {
        var h = LatencyHistogram()
        h.record(5000)
        h.record(-3)
        h.record(.nan)
        XCTAssertEqual(h.count, 3)
        XCTAssertEqual(h.percentile(0.99), 5000, "beyond the last bin the maximum is reported")
        XCTAssertEqual(h.percentile(0.5), 0.1, accuracy: 1e-9)
        h.reset()
        XCTAssertEqual(h.count, 0)
        XCTAssertEqual(h.percentile(0.5), 0)
    }
}
