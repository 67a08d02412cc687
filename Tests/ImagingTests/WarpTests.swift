import Imaging
import XCTest

final class WarpTests: XCTestCase {
    func testIdentityCopies() throws {
        let image = TestImages.noise(17, 9, .rgb8)
        XCTAssertEqual(try image.warpAffine(.identity, width: 17, height: 9), image)
        XCTAssertEqual(try image.warpAffine(.identity, width: 17, height: 9, format: .gray8), image.converted(to: .gray8))
    }

    func testNinetyDegreeRotation() throws {
        let (w, h) = (5, 3)
        let image = TestImages.noise(w, h, .rgb8)
        // Output is h × w; dst (x, y) reads src (y, h − 1 − x): a quarter turn clockwise on screen.
        let t = AffineMap(a: 0, b: 1, tx: 0, c: -1, d: 0, ty: Float(h - 1))
        let rotated = try image.warpAffine(t, width: h, height: w)
        for y in 0..<w {
            for x in 0..<h {
                XCTAssertEqual(rotated.pixel(x: x, y: y), image.pixel(x: y, y: h - 1 - x))
            }
        }
        // The same map from AffineMap.rotation, inverted (src → dst is the inverse).
        let srcToDst = AffineMap.rotation(radians: .pi / 2).then(.translation(dx: Float(h - 1), dy: 0))
        let built = try image.warpAffine(XCTUnwrap(srcToDst.inverted()), width: h, height: w)
        XCTAssertEqual(built, rotated)
    }

    func testHalfPixelShiftAveragesAndBorderReplicates() throws {
        let image = try Image(width: 3, height: 1, format: .gray8, pixels: [0, 100, 200])
        let shifted = try image.warpAffine(.translation(dx: 0.5, dy: 0), width: 3, height: 1)
        XCTAssertEqual(shifted.pixels, [50, 150, 200])
        let far = try image.warpAffine(.translation(dx: -1000, dy: 500), width: 2, height: 2)
        XCTAssertEqual(far.pixels, [0, 0, 0, 0])
        let farRight = try image.warpAffine(.translation(dx: 1e9, dy: -1e9), width: 2, height: 1)
        XCTAssertEqual(farRight.pixels, [200, 200])
    }

    func testRejectsNonFiniteTransforms() {
        let image = TestImages.noise(4, 4, .gray8)
        var t = AffineMap.identity
        t.tx = .nan
        XCTAssertThrowsError(try image.warpAffine(t, width: 4, height: 4))
        XCTAssertThrowsError(try image.warpAffine(.identity, width: 0, height: 4))
    }

    func testFaceCropWithoutRotationIsTheSubImage() throws {
        let image = TestImages.noise(64, 48, .rgb8)
        let crop = try image.faceCrop(box: Rect(x: 10, y: 12, width: 20, height: 16),
                                      outputWidth: 20, outputHeight: 16)
        for y in 0..<16 {
            for x in 0..<20 { XCTAssertEqual(crop.pixel(x: x, y: y), image.pixel(x: x + 10, y: y + 12)) }
        }
        // Margin 0.25 on a 20×16 box covers 30×24 from (5, 8).
        let wide = try image.faceCrop(box: Rect(x: 10, y: 12, width: 20, height: 16), margin: 0.25,
                                      outputWidth: 30, outputHeight: 24, format: .gray8)
        XCTAssertEqual(wide.format, .gray8)
        XCTAssertEqual(wide.pixel(x: 0, y: 0).r, image.converted(to: .gray8).pixel(x: 5, y: 8).r)
        // Level eyes change nothing.
        let level = try image.faceCrop(box: Rect(x: 10, y: 12, width: 20, height: 16),
                                       leftEye: Point(x: 14, y: 18), rightEye: Point(x: 26, y: 18),
                                       outputWidth: 20, outputHeight: 16)
        XCTAssertEqual(level, crop)
    }

    func testFaceCropAtTheBorderReplicatesEdges() throws {
        // r = x, g = y: the crop shows where each output pixel sampled.
        let image = TestImages.make(100, 80, .rgb8) { x, y, c in c == 0 ? UInt8(x) : c == 1 ? UInt8(y) : 0 }
        let crop = try image.faceCrop(box: Rect(x: -20, y: -10, width: 40, height: 40),
                                      outputWidth: 40, outputHeight: 40)
        XCTAssertEqual(crop.width, 40)
        XCTAssertEqual(crop.height, 40)
        for y in 0..<40 {
            for x in 0..<40 {
                let p = crop.pixel(x: x, y: y)
                XCTAssertEqual(Int(p.r), max(0, x - 20), "(\(x), \(y))")
                XCTAssertEqual(Int(p.g), max(0, y - 10), "(\(x), \(y))")
            }
        }
        // Wholly outside the image: every pixel is the nearest corner.
        let outside = try image.faceCrop(box: Rect(x: 150, y: 120, width: 30, height: 30), outputWidth: 8, outputHeight: 8)
        XCTAssertTrue(stride(from: 0, to: outside.pixels.count, by: 3).allSatisfy {
            outside.pixels[$0] == 99 && outside.pixels[$0 + 1] == 79
        })
    }

    func testFaceCropLevelsTheEyes() throws {
        // Two bright "eyes" on a tilted line.
        var image = try Image(width: 120, height: 120, format: .gray8)
        let left = Point(x: 40.5, y: 40.5), right = Point(x: 70.5, y: 60.5)
        // The image-left eye is bigger, so a crop turned upside down would show it on the right.
        image.fillRectangle(Rect(x: left.x - 3.5, y: left.y - 3.5, width: 7, height: 7), color: .white)
        image.fillRectangle(Rect(x: right.x - 1.5, y: right.y - 1.5, width: 3, height: 3), color: .white)
        func mass(_ crop: Image, leftHalf: Bool) -> Float {
            var total: Float = 0
            for y in 0..<crop.height {
                for x in 0..<crop.width where (x < crop.width / 2) == leftHalf { total += Float(crop.pixels[y * crop.width + x]) }
            }
            return total
        }
        func centroids(_ crop: Image) -> (Point, Point) {
            var sums = [(Float(0), Float(0), Float(0)), (Float(0), Float(0), Float(0))]
            for y in 0..<crop.height {
                for x in 0..<crop.width {
                    let v = Float(crop.pixels[y * crop.width + x])
                    let side = x < crop.width / 2 ? 0 : 1
                    sums[side].0 += v * Float(x); sums[side].1 += v * Float(y); sums[side].2 += v
                }
            }
            return (Point(x: sums[0].0 / sums[0].2, y: sums[0].1 / sums[0].2),
                    Point(x: sums[1].0 / sums[1].2, y: sums[1].1 / sums[1].2))
        }
        let box = Rect(x: 25.5, y: 20.5, width: 60, height: 60)
        for (a, b) in [(left, right), (right, left)] {
            let crop = try image.faceCrop(box: box, leftEye: a, rightEye: b, outputWidth: 60, outputHeight: 60)
            let (l, r) = centroids(crop)
            XCTAssertEqual(l.y, r.y, accuracy: 0.5, "eyes not level: \(l) \(r)")
            XCTAssertGreaterThan(mass(crop, leftHalf: true), 2 * mass(crop, leftHalf: false), "crop turned upside down")
            XCTAssertEqual(l.distance(to: r), left.distance(to: right), accuracy: 1)
        }
        let tilted = try image.faceCrop(box: box, outputWidth: 60, outputHeight: 60)
        let (l, r) = centroids(tilted)
        XCTAssertEqual(r.y - l.y, 20, accuracy: 1, "without eyes the crop must not rotate")
    }

    func testFaceCropOfALargeFaceAveragesDown() throws {
        // Stripes of period 10 (pixels 4 and 5 of each 10 on) in a 200-px face cropped to 20 px.
        // A single bilinear warp samples at 50 + 10u + 4.5, always between the two "on" pixels
        // (pure 255); averaging gives the true mean 2/10 · 255 = 51.
        let image = TestImages.make(300, 300, .gray8) { x, _, _ in x % 10 == 4 || x % 10 == 5 ? 255 : 0 }
        let crop = try image.faceCrop(box: Rect(x: 50, y: 50, width: 200, height: 200), outputWidth: 20, outputHeight: 20)
        XCTAssertTrue(crop.pixels.allSatisfy { abs(Int($0) - 51) <= 2 }, "\(crop.pixels.prefix(20))")
    }

    func testFaceCropRejectsBadInput() {
        let image = TestImages.noise(10, 10, .gray8)
        XCTAssertThrowsError(try image.faceCrop(box: Rect(x: .nan, y: 0, width: 5, height: 5), outputWidth: 4, outputHeight: 4))
        XCTAssertThrowsError(try image.faceCrop(box: Rect(x: 0, y: 0, width: 0, height: 5), outputWidth: 4, outputHeight: 4))
        XCTAssertThrowsError(try image.faceCrop(box: Rect(x: 0, y: 0, width: 5, height: 5), outputWidth: 0, outputHeight: 4))
        XCTAssertThrowsError(try image.faceCrop(box: Rect(x: 0, y: 0, width: 5, height: 5), margin: -0.6,
                                                outputWidth: 4, outputHeight: 4))
    }
}
