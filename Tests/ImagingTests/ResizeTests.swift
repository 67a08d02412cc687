import Imaging
import XCTest

final class ResizeTests: XCTestCase {
    func testTwoByTwoUpscaleMatchesOpenCVBilinear() throws {
        let src = try Image(width: 2, height: 2, format: .gray8, pixels: [0, 100, 200, 40])
        let out = src.resized(width: 4, height: 4)
        // cv2.resize(np.array([[0,100],[200,40]], np.uint8), (4, 4)), computed by hand:
        // taps (1,0), (.75,.25), (.25,.75), (0,1) on each axis.
        XCTAssertEqual(out.pixels, [
            0, 25, 75, 100,
            50, 59, 76, 85,
            150, 126, 79, 55,
            200, 160, 80, 40,
        ])
    }

    func testRGBResizesEachChannelLikeGray() throws {
        let rgb = TestImages.noise(7, 5, .rgb8)
        let out = rgb.resized(width: 11, height: 3)
        for c in 0..<3 {
            let plane = TestImages.make(7, 5, .gray8) { x, y, _ in rgb.pixels[(y * 7 + x) * 3 + c] }
            let resizedPlane = plane.resized(width: 11, height: 3)
            for i in 0..<(11 * 3) { XCTAssertEqual(out.pixels[i * 3 + c], resizedPlane.pixels[i]) }
        }
    }

    func testHalvingIsTheRoundedBoxAverage() {
        let src = TestImages.noise(8, 6, .gray8)
        let out = src.resized(width: 4, height: 3)
        for y in 0..<3 {
            for x in 0..<4 {
                let s = [0, 1].flatMap { dy in [0, 1].map { dx in Int(src.pixels[(2 * y + dy) * 8 + 2 * x + dx]) } }
                XCTAssertEqual(Int(out.pixels[y * 4 + x]), (s.reduce(0, +) + 2) >> 2)
            }
        }
    }

    func testBilinearMatchesFloatReferenceWithinOne() {
        let src = TestImages.noise(23, 17, .rgb8)
        let (dw, dh) = (37, 12)
        let out = src.resized(width: dw, height: dh)
        func tap(_ d: Int, _ s: Int, _ dn: Int) -> (Int, Int, Double) {
            let f = (Double(d) + 0.5) * Double(s) / Double(dn) - 0.5
            var i = Int(f.rounded(.down)), w = f - Double(i)
            if i < 0 { i = 0; w = 0 }
            if i >= s - 1 { i = s - 1; w = 0 }
            return (i, min(i + 1, s - 1), w)
        }
        for y in 0..<dh {
            let (y0, y1, wy) = tap(y, 17, dh)
            for x in 0..<dw {
                let (x0, x1, wx) = tap(x, 23, dw)
                for c in 0..<3 {
                    func p(_ xx: Int, _ yy: Int) -> Double { Double(src.pixels[(yy * 23 + xx) * 3 + c]) }
                    let v = (p(x0, y0) * (1 - wx) + p(x1, y0) * wx) * (1 - wy) + (p(x0, y1) * (1 - wx) + p(x1, y1) * wx) * wy
                    XCTAssertLessThanOrEqual(abs(Double(out.pixels[(y * dw + x) * 3 + c]) - v), 1.0)
                }
            }
        }
    }

    func testLargeReductionAveragesInsteadOfAliasing() {
        // Stripes of period 4 (two on, two off) reduced 4×: bilinear samples at 4d + 1.5 would
        // land on the "on" pair every time (pure 255); area averaging gives the true mean, grey.
        let columns = TestImages.make(64, 8, .gray8) { x, _, _ in x % 4 == 1 || x % 4 == 2 ? 255 : 0 }
        let narrow = columns.resized(width: 16, height: 8)
        XCTAssertTrue(narrow.pixels.allSatisfy { abs(Int($0) - 128) <= 1 }, "\(narrow.pixels.prefix(16))")
        let rows = TestImages.make(8, 64, .rgb8) { _, y, _ in y % 4 == 1 || y % 4 == 2 ? 255 : 0 }
        let short = rows.resized(width: 8, height: 16)
        XCTAssertTrue(short.pixels.allSatisfy { abs(Int($0) - 128) <= 1 }, "\(short.pixels.prefix(16))")

        // Non-integer factor (3.2×) on a smooth ramp stays a ramp, and 6 → 2 averages triples.
        let row = try! Image(width: 6, height: 1, format: .gray8, pixels: [0, 30, 60, 90, 120, 150])
        XCTAssertEqual(row.resized(width: 2, height: 1).pixels, [30, 120])
        let column = try! Image(width: 1, height: 6, format: .gray8, pixels: [0, 30, 60, 90, 120, 150])
        XCTAssertEqual(column.resized(width: 1, height: 2).pixels, [30, 120])
        let ramp = TestImages.make(160, 10, .gray8) { x, _, _ in UInt8(x) }
        let reduced = ramp.resized(width: 50, height: 10)
        for x in 0..<50 {
            let centre = (Double(x) + 0.5) * 3.2 - 0.5
            XCTAssertLessThanOrEqual(abs(Double(reduced.pixels[x]) - centre), 1.0, "x=\(x)")
        }
    }

    func testFlatImagesStayFlat() {
        for (w, h) in [(1, 1), (3, 90), (200, 2), (640, 480)] {
            let flat = TestImages.make(50, 40, .rgb8) { _, _, c in UInt8(60 + 40 * c) }
            let out = flat.resized(width: w, height: h)
            XCTAssertEqual(out.width, w)
            XCTAssertEqual(out.height, h)
            XCTAssertTrue(stride(from: 0, to: out.pixels.count, by: 3).allSatisfy {
                out.pixels[$0] == 60 && out.pixels[$0 + 1] == 100 && out.pixels[$0 + 2] == 140
            }, "\(w)x\(h)")
        }
    }

    func testResizeIntoReusesTheDestination() throws {
        let src = TestImages.noise(64, 48, .rgb8)
        var dst = try Image(width: 20, height: 15, format: .rgb8)
        src.resize(into: &dst)
        XCTAssertEqual(dst, src.resized(width: 20, height: 15))
        XCTAssertEqual(src.resized(width: 64, height: 48), src)
    }
}
