import Imaging
import XCTest

final class DrawingTests: XCTestCase {
    func testRectangleOutlinePixels() throws {
        var image = try Image(width: 10, height: 8, format: .rgb8)
        image.drawRectangle(Rect(x: 2, y: 1, width: 6, height: 5), color: .red, thickness: 1)
        for y in 0..<8 {
            for x in 0..<10 {
                let inside = x >= 2 && x < 8 && y >= 1 && y < 6
                let border = inside && (x == 2 || x == 7 || y == 1 || y == 5)
                XCTAssertEqual(image.pixel(x: x, y: y), border ? .red : .black, "(\(x), \(y))")
            }
        }
    }

    func testThickRectangleIsClipped() throws {
        var image = try Image(width: 6, height: 6, format: .gray8)
        image.drawRectangle(Rect(x: -3, y: -3, width: 7, height: 20), color: .white, thickness: 2)
        // Visible: x in 0..<4; right edge at x 2...3; top edge is off-image; bottom off-image.
        for y in 0..<6 {
            for x in 0..<6 {
                XCTAssertEqual(image.pixel(x: x, y: y).r, (x == 2 || x == 3) ? 255 : 0, "(\(x), \(y))")
            }
        }
        // Entirely outside, empty and non-finite rectangles are ignored.
        image.drawRectangle(Rect(x: 50, y: 50, width: 5, height: 5), color: .white, thickness: 3)
        image.drawRectangle(Rect(x: .infinity, y: 0, width: 5, height: 5), color: .white, thickness: 3)
        image.fillRectangle(Rect(x: 1, y: 1, width: 0, height: 5), color: .white)
        XCTAssertEqual(image.pixels.filter { $0 != 0 }.count, 12)
    }

    func testFillBlends() throws {
        var image = try Image(width: 4, height: 1, format: .rgb8, color: RGB(r: 0, g: 100, b: 200))
        image.fillRectangle(Rect(x: 1, y: 0, width: 2, height: 1), color: RGB(r: 200, g: 100, b: 0), alpha: 0.5)
        XCTAssertEqual(image.pixel(x: 0, y: 0), RGB(r: 0, g: 100, b: 200))
        XCTAssertEqual(image.pixel(x: 1, y: 0), RGB(r: 100, g: 100, b: 100))
        XCTAssertEqual(image.pixel(x: 2, y: 0), RGB(r: 100, g: 100, b: 100))
        image.fillRectangle(Rect(x: 0, y: 0, width: 1, height: 1), color: .yellow, alpha: 1)
        XCTAssertEqual(image.pixel(x: 0, y: 0), .yellow)
        image.fillRectangle(Rect(x: 3, y: 0, width: 1, height: 1), color: .yellow, alpha: 0)
        XCTAssertEqual(image.pixel(x: 3, y: 0), RGB(r: 0, g: 100, b: 200))

        var gray = try Image(width: 2, height: 1, format: .gray8, fill: 10)
        gray.fillRectangle(Rect(x: 0, y: 0, width: 1, height: 1), color: .green)
        XCTAssertEqual(gray.pixels, [150, 10])
    }
}
