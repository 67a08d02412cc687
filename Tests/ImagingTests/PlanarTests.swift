import Imaging
import XCTest

final class PlanarTests: XCTestCase {
    func testPlanesValuesAndPadding() throws {
        let image = TestImages.noise(3, 2, .rgb8)
        let (W, H) = (5, 4)
        var tensor = [Float](repeating: .nan, count: 3 * W * H + 2)
        let mean: [Float] = [0.1, 0.2, 0.3], std: [Float] = [0.5, 0.25, 2]
        try tensor.withUnsafeMutableBufferPointer {
            try image.writePlanar(into: $0, width: W, height: H, order: .bgr, scale: 255,
                                  mean: mean, std: std, padValue: -7)
        }
        for plane in 0..<3 {
            let channel = 2 - plane // bgr
            for y in 0..<H {
                for x in 0..<W {
                    let v = tensor[plane * W * H + y * W + x]
                    if x < 3 && y < 2 {
                        let p = Float(image.pixels[(y * 3 + x) * 3 + channel])
                        XCTAssertEqual(v, (p / 255 - mean[plane]) / std[plane], accuracy: 1e-5)
                    } else {
                        XCTAssertEqual(v, -7, "pad at plane \(plane) (\(x), \(y))")
                    }
                }
            }
        }
        XCTAssertTrue(tensor[(3 * W * H)...].allSatisfy(\.isNaN), "wrote past the tensor")
    }

    func testRGBOrderAndGrayConversions() throws {
        let image = try Image(width: 2, height: 1, format: .rgb8, pixels: [255, 0, 0, 0, 0, 255])
        var rgb = [Float](repeating: 0, count: 6)
        try rgb.withUnsafeMutableBufferPointer { try image.writePlanar(into: $0, width: 2, height: 1, order: .rgb) }
        XCTAssertEqual(rgb, [255, 0, 0, 0, 0, 255])

        var gray = [Float](repeating: 0, count: 2)
        try gray.withUnsafeMutableBufferPointer {
            try image.writePlanar(into: $0, width: 2, height: 1, order: .gray, scale: 1, mean: [10], std: [2])
        }
        XCTAssertEqual(gray, [(76 - 10) / 2, (29 - 10) / 2])

        let grayImage = try Image(width: 2, height: 1, format: .gray8, pixels: [4, 8])
        var replicated = [Float](repeating: 0, count: 6)
        try replicated.withUnsafeMutableBufferPointer {
            try grayImage.writePlanar(into: $0, width: 2, height: 1, order: .rgb, scale: 4)
        }
        XCTAssertEqual(replicated, [1, 2, 1, 2, 1, 2])
    }

    func testRejectsBadShapes() {
        let image = TestImages.noise(4, 4, .rgb8)
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: 3 * 16 - 1)
        defer { buffer.deallocate() }
        XCTAssertThrowsError(try image.writePlanar(into: buffer, width: 4, height: 4, order: .rgb))
        XCTAssertThrowsError(try image.writePlanar(into: buffer, width: 3, height: 8, order: .gray))
        XCTAssertThrowsError(try image.writePlanar(into: buffer, width: 4, height: 4, order: .gray, mean: [0, 0]))
        XCTAssertThrowsError(try image.writePlanar(into: buffer, width: 4, height: 4, order: .gray, std: [0]))
        XCTAssertNoThrow(try image.writePlanar(into: buffer, width: 4, height: 4, order: .gray))
    }
}
