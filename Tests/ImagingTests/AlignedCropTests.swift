import Imaging
import XCTest

final class AlignedCropTests: XCTestCase {
    private let template = [Point(x: 15, y: 20), Point(x: 33, y: 20), Point(x: 24, y: 29), Point(x: 17, y: 37),
                            Point(x: 31, y: 37)]

    func testSimilarityRecoversAKnownRotationScaleAndShift() throws {
        let truth = AffineMap.scale(x: 2.5, y: 2.5).then(.rotation(radians: 0.35)).then(.translation(dx: 40, dy: -7))
        let moved = template.map(truth.apply)
        let fit = try XCTUnwrap(AffineMap.similarity(from: template, to: moved))
        for (p, q) in zip(template, moved) {
            XCTAssertEqual(fit.apply(to: p).distance(to: q), 0, accuracy: 1e-3)
        }
        XCTAssertEqual(fit.scaleFactor, 2.5, accuracy: 1e-4)
        // A mirror is not a similarity: the best fit of a mirrored shape is not exact.
        let mirrored = template.map { Point(x: -$0.x, y: $0.y) }
        let noMirror = try XCTUnwrap(AffineMap.similarity(from: template, to: mirrored))
        XCTAssertGreaterThan(zip(template, mirrored).map { noMirror.apply(to: $0).distance(to: $1) }.max()!, 1)
    }

    func testSimilarityRefusesDegenerateInput() {
        let p = Point(x: 3, y: 4)
        XCTAssertNil(AffineMap.similarity(from: [p, p, p], to: template.prefix(3).map { $0 }))
        XCTAssertNil(AffineMap.similarity(from: template, to: Array(template.prefix(4))))
        XCTAssertNil(AffineMap.similarity(from: [p], to: [p]))
        XCTAssertNil(AffineMap.similarity(from: [p, Point(x: .nan, y: 0)], to: [p, p]))
    }

    func testCropThroughAMapUndoesAWarp() throws {
        // A face-sized patch drawn into a larger image turned and scaled; the crop through the same map gives it back.
        let patch = TestImages.noise(24, 24, .gray8).resized(width: 48, height: 48)  // smooth enough for bilinear
        let patchToImage = AffineMap.translation(dx: -24, dy: -24).then(.scale(x: 2, y: 2))
            .then(.rotation(radians: 0.2)).then(.translation(dx: 80, dy: 70))
        let big = try patch.warpAffine(
            XCTUnwrap(AffineMap.translation(dx: 0.5, dy: 0.5).then(XCTUnwrap(patchToImage.inverted()))
                .then(.translation(dx: -0.5, dy: -0.5))), width: 160, height: 140)
        let back = try big.crop(mapping: patchToImage, outputWidth: 48, outputHeight: 48)
        XCTAssertEqual(back.width, 48)
        var diff = 0
        for y in 4..<44 { for x in 4..<44 { diff += abs(Int(back.pixel(x: x, y: y).r) - Int(patch.pixel(x: x, y: y).r)) } }
        XCTAssertLessThan(Double(diff) / 1600, 6, "mean difference inside the crop")
    }

    func testCropOfALargeRegionIsAveragedNotAliased() throws {
        // A 1-pixel checkerboard seen 8x smaller must come out flat grey, not a moiré of 0 and 255.
        let board = try Image(width: 256, height: 256, format: .gray8,
                              pixels: (0..<(256 * 256)).map { i in ((i % 256 + i / 256) % 2 == 0) ? 0 : 255 })
        let small = try board.crop(mapping: .scale(x: 8, y: 8), outputWidth: 32, outputHeight: 32)
        for v in small.pixels { XCTAssertEqual(Double(v), 127.5, accuracy: 20) }
    }

    func testCropRejectsSingularMaps() {
        let image = TestImages.noise(8, 8, .gray8)
        XCTAssertThrowsError(try image.crop(mapping: .scale(x: 0, y: 1), outputWidth: 4, outputHeight: 4))
        XCTAssertThrowsError(try image.crop(mapping: .identity, outputWidth: 0, outputHeight: 4))
    }

    func testGaussianBlurKeepsFlatImagesAndSmoothsEdges() throws {
        let flat = try Image(width: 9, height: 7, format: .rgb8, fill: 77)
        XCTAssertEqual(flat.gaussianBlurred(sigma: 2), flat)
        let step = try Image(width: 20, height: 1, format: .gray8, pixels: (0..<20).map { $0 < 10 ? 0 : 200 })
        let soft = step.gaussianBlurred(sigma: 1.5)
        XCTAssertEqual(soft.pixels[0], 0)
        XCTAssertEqual(soft.pixels[19], 200)
        XCTAssertTrue((1..<19).contains { soft.pixels[$0] > 20 && soft.pixels[$0] < 180 })
        XCTAssertEqual(step.gaussianBlurred(sigma: 0), step)
    }
}
