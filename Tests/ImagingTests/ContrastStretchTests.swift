import Imaging
import XCTest

final class ContrastStretchTests: XCTestCase {
    func testPercentilesMapToTheEndsLikeNumPy() throws {
        // 100 pixels 50...149: numpy.percentile(v, 1) = 50.99, percentile(v, 99) = 148.01.
        let image = try Image(width: 10, height: 10, format: .gray8, pixels: (0..<100).map { UInt8(50 + $0) })
        let out = image.contrastStretched(lowPercentile: 1, highPercentile: 99, minimumRange: 8)
        let gain: Float = 255 / (148.01 - 50.99)
        for (v, o) in zip(image.pixels, out.pixels) {
            XCTAssertEqual(Float(o), min(255, max(0, ((Float(v) - 50.99) * gain).rounded())), "value \(v)")
        }
        XCTAssertEqual(out.pixels.first, 0)
        XCTAssertEqual(out.pixels.last, 255)
        // Order is kept: a stretch never swaps two grey levels.
        XCTAssertEqual(out.pixels, out.pixels.sorted())
    }

    func testADimImageIsStretchedAndAFullOneIsNearlyUnchanged() throws {
        let dim = try Image(width: 16, height: 16, format: .gray8, pixels: (0..<256).map { UInt8(20 + $0 % 61) })
        let stretched = dim.contrastStretched(lowPercentile: 0, highPercentile: 100, minimumRange: 8)
        XCTAssertEqual(stretched.pixels.min(), 0)
        XCTAssertEqual(stretched.pixels.max(), 255)
        let full = try Image(width: 16, height: 16, format: .gray8, pixels: (0..<256).map { UInt8($0) })
        XCTAssertEqual(full.contrastStretched(lowPercentile: 0, highPercentile: 100, minimumRange: 8), full)
    }

    func testAFlatCropIsNotBlownUp() throws {
        // 80 everywhere but one pixel at 83: the span 3 is below minimumRange 8, so 83 goes to 3 × 255/8 ≈ 96.
        var pixels = [UInt8](repeating: 80, count: 64)
        pixels[5] = 83
        let flat = try Image(width: 8, height: 8, format: .gray8, pixels: pixels)
        let out = flat.contrastStretched(lowPercentile: 0, highPercentile: 100, minimumRange: 8)
        XCTAssertEqual(out.pixels[0], 0)
        XCTAssertEqual(out.pixels[5], UInt8((3 * 255 / Float(8)).rounded()))
    }

    func testColourChannelsShareOneMapping() throws {
        // Channel values 40...100: red = green + 10, so the stretched red stays above green.
        var pixels: [UInt8] = []
        for i in 0..<25 { pixels += [UInt8(50 + 2 * i), UInt8(40 + 2 * i), UInt8(70)] }
        let image = try Image(width: 5, height: 5, format: .rgb8, pixels: pixels)
        let out = image.contrastStretched(lowPercentile: 0, highPercentile: 100, minimumRange: 8)
        XCTAssertEqual(out.pixels.min(), 0)
        XCTAssertEqual(out.pixels.max(), 255)
        for i in 0..<25 {
            XCTAssertGreaterThan(out.pixels[3 * i], out.pixels[3 * i + 1], "pixel \(i)")
            XCTAssertEqual(out.pixels[3 * i + 2], out.pixels[2], "blue is constant")
        }
    }
}
