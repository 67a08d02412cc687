import Display
import Imaging
import XCTest

/// Pixelation on its own (no window).
final class FacePixelationTests: XCTestCase {
    func testBlocksAreUniformInsideTheBoxAndNothingChangesOutside() throws {
        // A diagonal ramp so every pixel differs from its neighbours.
        var rgb = try Image(width: 96, height: 64, format: .rgb8)
        for y in 0..<64 { for x in 0..<96 { rgb.setPixel(x: x, y: y, to: RGB(r: UInt8(x * 2), g: UInt8(y * 3), b: UInt8((x + y) % 256))) } }
        for layout in [ChromaLayout.yuv420, .yuv422, .yuv444, .gray] {
            let original = try TestFrames.yuv(from: rgb, layout: layout, range: .full)
            var image = original
            let box = Rect(x: 17.4, y: 9.2, width: 41, height: 37)
            FacePixelation.apply(to: &image, boxes: [box])
            let block = FacePixelation.blockSize(for: box)
            XCTAssertEqual(block, 8)
            let region = try XCTUnwrap(FacePixelation.region(for: box, width: 96, height: 64))
            // The box grown by 10 % a side: x 13.3...62.5, y 5.5...49.9, widened to even edges.
            XCTAssertEqual(region.x0, 12)
            XCTAssertEqual(region.y0, 4)
            XCTAssertEqual(region.x1, 64)
            XCTAssertEqual(region.y1, 50)
            for y in 0..<64 {
                for x in 0..<96 {
                    let inside = x >= region.x0 && x < region.x1 && y >= region.y0 && y < region.y1
                    let v = image.luma.pixel(x: x, y: y).r
                    if inside {
                        let bx = region.x0 + (x - region.x0) / block * block, by = region.y0 + (y - region.y0) / block * block
                        XCTAssertEqual(v, image.luma.pixel(x: bx, y: by).r, "\(layout): block at (\(bx), \(by)) not uniform at (\(x), \(y))")
                    } else {
                        XCTAssertEqual(v, original.luma.pixel(x: x, y: y).r, "\(layout): (\(x), \(y)) outside the box changed")
                    }
                }
            }
            // The block value is the block mean.
            var sum = 0
            for y in 4..<12 { for x in 12..<20 { sum += Int(original.luma.pixel(x: x, y: y).r) } }
            XCTAssertEqual(Int(image.luma.pixel(x: 12, y: 4).r), (sum + 32) / 64)
            if layout != .gray {
                XCTAssertNotEqual(image.cb, original.cb, "\(layout): chroma was not pixelated")
                XCTAssertEqual(image.cb[0], original.cb[0])
            }
        }
    }

    func testBlockSizeGrowsWithTheFaceAndBoxesOutsideAreIgnored() throws {
        XCTAssertEqual(FacePixelation.blockSize(for: Rect(x: 0, y: 0, width: 200, height: 240)), 26)
        XCTAssertEqual(FacePixelation.blockSize(for: Rect(x: 0, y: 0, width: 20, height: 20)), 8)
        XCTAssertEqual(FacePixelation.blockSize(for: Rect(x: 0, y: 0, width: .nan, height: 20)), 8)
        XCTAssertNil(FacePixelation.region(for: Rect(x: 200, y: 10, width: 30, height: 30), width: 96, height: 64))
        XCTAssertNil(FacePixelation.region(for: Rect(x: .infinity, y: 10, width: 30, height: 30), width: 96, height: 64))
        XCTAssertNotNil(FacePixelation.region(for: Rect(x: 97, y: 10, width: 30, height: 30), width: 96, height: 64),
                        "the margin reaches into the frame")
        let clipped = try XCTUnwrap(FacePixelation.region(for: Rect(x: -10, y: 50, width: 30, height: 30), width: 96, height: 64))
        XCTAssertEqual(clipped.x0, 0)
        XCTAssertEqual(clipped.y1, 64)
    }
}

/// Geometry and text formatting (no window).
final class OverlayLayoutTests: XCTestCase {
    func testLetterboxingAndMapping() {
        let wide = OverlayLayout(frameWidth: 640, frameHeight: 480, outputWidth: 1280, outputHeight: 720)
        XCTAssertEqual(wide.viewport, Rect(x: 160, y: 0, width: 960, height: 720))
        XCTAssertEqual(wide.scale, 1.5)
        XCTAssertEqual(wide.map(Rect(x: 100, y: 40, width: 20, height: 10)), Rect(x: 310, y: 60, width: 30, height: 15))
        let tall = OverlayLayout(frameWidth: 1920, frameHeight: 1080, outputWidth: 800, outputHeight: 800)
        XCTAssertEqual(tall.viewport, Rect(x: 0, y: 175, width: 800, height: 450))
        let size = OverlayLayout.initialWindowSize(width: 1920, height: 1080, bounds: (1280, 720))
        XCTAssertEqual(size.width, 1280)
        XCTAssertEqual(size.height, 720)
        let small = OverlayLayout.initialWindowSize(width: 640, height: 480, bounds: (1280, 720))
        XCTAssertEqual(small.width, 640)
    }

    func testTagAndHUDText() {
        let face = OverlayFace(id: 3, box: .zero, label: "happy", confidence: 0.8666, color: .red)
        XCTAssertEqual(face.tagText, "#3 happy 87%")
        XCTAssertEqual(OverlayFace(id: 1, box: .zero, label: "sad", confidence: .nan, color: .red).tagText, "#1 sad 0%")
        XCTAssertEqual(OverlayFace(id: 4, box: .zero, label: "uncertain", confidence: 0.41, color: .red,
                                   showsConfidence: false).tagText, "#4 uncertain", "no percentage for a non-label")
        XCTAssertEqual(HUDStats(fps: 29.97, latencyMilliseconds: 12.4, faces: 4, drops: 0).summaryLine,
                       "30.0 fps · 12 ms · 4 faces · 0 dropped")
        XCTAssertEqual(HUDStats(fps: 5, latencyMilliseconds: 80, faces: 1, drops: 3).summaryLine,
                       "5.0 fps · 80 ms · 1 face · 3 dropped")
    }
}
