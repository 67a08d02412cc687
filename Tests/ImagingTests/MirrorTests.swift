import Imaging
import XCTest

final class MirrorTests: XCTestCase {
    func testMirrorSwapsColumnsAndKeepsChannelsTogether() throws {
        // 3x2 RGB: pixel (x, y) = (10x + y, 100 + x, 200 + y)
        var pixels: [UInt8] = []
        for y in 0..<2 { for x in 0..<3 { pixels += [UInt8(10 * x + y), UInt8(100 + x), UInt8(200 + y)] } }
        let image = try Image(width: 3, height: 2, format: .rgb8, pixels: pixels)
        let mirrored = image.mirrored()
        for y in 0..<2 {
            for x in 0..<3 {
                XCTAssertEqual(mirrored.pixel(x: x, y: y), image.pixel(x: 2 - x, y: y), "(\(x), \(y))")
            }
        }
        XCTAssertNotEqual(mirrored, image)
        XCTAssertEqual(mirrored.mirrored(), image)
    }

    func testMirrorOfGreyAndOddWidths() throws {
        let image = try Image(width: 5, height: 1, format: .gray8, pixels: [1, 2, 3, 4, 5])
        XCTAssertEqual(image.mirrored().pixels, [5, 4, 3, 2, 1])
        let one = try Image(width: 1, height: 3, format: .gray8, pixels: [7, 8, 9])
        XCTAssertEqual(one.mirrored(), one)
    }
}
