import Imaging
import XCTest

final class ConversionTests: XCTestCase {
    func testLumaUsesOpenCVIntegerWeights() throws {
        let colours: [(RGB, UInt8)] = [
            (RGB(r: 255, g: 0, b: 0), 76), (RGB(r: 0, g: 255, b: 0), 150), (RGB(r: 0, g: 0, b: 255), 29),
            (RGB(r: 255, g: 255, b: 255), 255), (RGB(r: 0, g: 0, b: 0), 0), (RGB(r: 10, g: 20, b: 30), 18),
        ]
        let image = try Image(width: colours.count, height: 1, format: .rgb8,
                              pixels: colours.flatMap { [$0.0.r, $0.0.g, $0.0.b] })
        let gray = image.converted(to: .gray8)
        XCTAssertEqual(gray.format, .gray8)
        XCTAssertEqual(gray.pixels, colours.map(\.1))
        XCTAssertEqual(colours.map { $0.0.luma }, colours.map(\.1))
    }

    func testLumaMatchesFormulaOnNoise() {
        let image = TestImages.noise(37, 11, .rgb8)
        let gray = image.converted(to: .gray8)
        for i in 0..<(37 * 11) {
            let r = Int(image.pixels[3 * i]), g = Int(image.pixels[3 * i + 1]), b = Int(image.pixels[3 * i + 2])
            XCTAssertEqual(Int(gray.pixels[i]), (r * 4899 + g * 9617 + b * 1868 + 8192) >> 14)
        }
    }

    func testGrayToRGBReplicates() throws {
        let gray = try Image(width: 3, height: 1, format: .gray8, pixels: [0, 128, 255])
        let rgb = gray.converted(to: .rgb8)
        XCTAssertEqual(rgb.pixels, [0, 0, 0, 128, 128, 128, 255, 255, 255])
        XCTAssertEqual(rgb.converted(to: .gray8), gray)
        XCTAssertEqual(gray.converted(to: .gray8), gray)
    }
}
