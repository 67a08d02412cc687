import Capture
import Foundation
import TestSupport
import XCTest

final class PacedSourceTests: XCTestCase {
    private func tinyY4M(frames: Int, rate: Int, in directory: URL) throws -> String {
        var stream = Array("YUV4MPEG2 W4 H2 F\(rate):1 Cmono\n".utf8)
        for i in 0..<frames { stream += Array("FRAME\n".utf8) + [UInt8](repeating: UInt8(i), count: 8) }
        let path = directory.appendingPathComponent("tiny.y4m").path
        try Clips.write(stream, to: path)
        return path
    }

    func testFramesComeOutAtTheirPresentationTimes() throws {
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try tinyY4M(frames: 6, rate: 10, in: directory)

        let start = MonotonicClock.now
        XCTAssertEqual(try Clips.drain(try Y4MSource(path: path)).count, 6)
        XCTAssertLessThan(MonotonicClock.now - start, 0.3, "unpaced: as fast as it can")

        let paced = PacedSource(try Y4MSource(path: path))
        XCTAssertTrue(paced.isLive)
        XCTAssertEqual(paced.frameRate, 10)
        XCTAssertEqual(paced.name, path)
        let pacedStart = MonotonicClock.now
        var released = [Double]()
        while let frame = try paced.next() {
            released.append(frame.captureTime - pacedStart)
            XCTAssertLessThanOrEqual(frame.captureTime, MonotonicClock.now)
        }
        XCTAssertEqual(released.count, 6)
        let total = MonotonicClock.now - pacedStart
        XCTAssertGreaterThan(total, 0.45, "5 frame intervals of 0.1 s")
        XCTAssertLessThan(total, 3)
        // Each frame leaves no earlier than its time (loose upper bound: the machine is shared).
        for (i, t) in released.enumerated() { XCTAssertGreaterThan(t, Double(i) * 0.1 - 0.01, "frame \(i)") }
    }

    func testCancelInterruptsTheWait() throws {
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let paced = PacedSource(try Y4MSource(path: try tinyY4M(frames: 3, rate: 1, in: directory)))
        XCTAssertNotNil(try paced.next())
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { paced.cancel() }
        let start = MonotonicClock.now
        XCTAssertNil(try paced.next(), "the 1 s wait for frame 1 is cut short")
        XCTAssertLessThan(MonotonicClock.now - start, 0.8)
        XCTAssertNil(try paced.next())
    }
}
