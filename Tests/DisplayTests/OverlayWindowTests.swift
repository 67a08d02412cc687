import CSDL2
import Detection
import Display
import FaceAnalysis
import Foundation
import Imaging
import TestSupport
import XCTest

/// The overlay in a real SDL window (x11 driver) on a private Xvfb server, checked from screenshots.
final class OverlayWindowTests: XCTestCase {
    nonisolated(unsafe) static var server: XvfbServer?
    nonisolated(unsafe) static var serverProblem = XvfbServer.notInstalled

    override class func setUp() {
        super.setUp()
        do {
            server = try XvfbServer()
        } catch let skip as XCTSkip {
            serverProblem = skip.message ?? XvfbServer.notInstalled
        } catch {
            serverProblem = "skipped: Xvfb did not start: \(error)"
        }
    }

    override class func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    private func requireServer() throws {
        guard Self.server != nil else { throw XCTSkip(Self.serverProblem) }
    }

    private static let amber = RGB(r: 255, g: 200, b: 0)
    private static let blue = RGB(r: 40, g: 120, b: 255)

    // MARK: - The main test: a photo with two faces

    func testBoxesTagsHUDAndBlurAppearWhereTheFacesAre() throws {
        try requireServer()
        let photo = try ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent("two_people.jpg").path, as: .rgb8)
        let detector = try YuNetDetector(modelURL: ModelLocator(explicit: nil).detector)
        let detections = try detector.detect(in: photo).sorted { $0.box.minX < $1.box.minX }
        XCTAssertEqual(detections.count, 2, "YuNet should find both faces in two_people.jpg")
        guard detections.count == 2 else { return }
        let colors = [Self.amber, Self.blue]
        let faces = detections.enumerated().map { i, d in
            OverlayFace(id: i + 1, box: d.box, label: i == 0 ? "happy" : "sad", confidence: 0.87, color: colors[i])
        }
        let image = try TestFrames.yuv(from: photo, layout: .yuv420, range: .full)
        let lumaBefore = image.luma.pixels.map { $0 }, cbBefore = image.cb.map { $0 }
        let frame = OverlayFrame(image: image, faces: faces,
                                 hud: HUDStats(fps: 30, latencyMilliseconds: 12, faces: 2, drops: 0, status: "two_people.jpg · test"))

        let window = try OverlayWindow(title: "fer-live test", width: photo.width, height: photo.height)
        defer { window.close() }
        XCTAssertEqual(window.videoDriver, "x11")
        try window.show(frame)
        _ = window.pollEvents()
        let shot = try window.screenshot()
        let layout = try XCTUnwrap(window.layout)
        try saveForInspection(shot, "overlay")
        XCTAssertEqual(shot.width, layout.outputWidth)
        XCTAssertEqual(shot.height, layout.outputHeight)
        // The photo as it should appear in the window, at the viewport's size and position.
        let vp = layout.viewport
        let reference = photo.resized(width: Int(vp.width), height: Int(vp.height))
        let offset = (-Int(vp.minX), -Int(vp.minY))
        func matchesPhoto(_ shot: Image, x0: Int, y0: Int, x1: Int, y1: Int) -> Double {
            PixelStats.meanDifference(reference, shot, x0: x0, y0: y0, x1: x1, y1: y1, offsetA: offset)
        }

        // The video: patches away from the faces, their tags and the HUD match the photo.
        let mapped = faces.map { layout.map($0.box) }
        var checkedPatches = 0
        for (fx, fy) in [(0.05, 0.9), (0.5, 0.92), (0.95, 0.5), (0.6, 0.4), (0.95, 0.95)] {
            let x = Int(vp.minX + Float(fx) * vp.width), y = Int(vp.minY + Float(fy) * vp.height)
            let near = mapped.contains { $0.expanded(by: 0.3).intersection(Rect(x: Float(x - 8), y: Float(y - 8), width: 16, height: 16)).area > 0 }
            if near { continue }
            let diff = matchesPhoto(shot, x0: x - 6, y0: y - 6, x1: x + 6, y1: y + 6)
            XCTAssertLessThan(diff, 10, "video patch at (\(x), \(y)) differs from the photo by \(diff)")
            checkedPatches += 1
        }
        XCTAssertGreaterThanOrEqual(checkedPatches, 3)

        // The HUD: top left of the video, where no face is; it darkens the photo and has white text.
        let hudRect = (x0: Int(vp.minX) + 6, y0: Int(vp.minY) + 6, x1: Int(vp.minX) + 180, y1: Int(vp.minY) + 40)
        XCTAssertFalse(mapped.contains { $0.minX < Float(hudRect.x1) && $0.minY < Float(hudRect.y1) }, "test setup: a face under the HUD")
        let hudOn = matchesPhoto(shot, x0: hudRect.x0, y0: hudRect.y0, x1: hudRect.x1, y1: hudRect.y1)
        XCTAssertGreaterThan(hudOn, 30, "the HUD should cover the top left of the video")
        XCTAssertGreaterThan(countPixels(shot, hudRect) { PixelStats.close($0, .white, 40) }, 40, "no HUD text")

        // h turns the HUD off: the same area now shows the photo.
        try pushKey(SDLK_h)
        XCTAssertEqual(window.pollEvents(), [.hud(false)])
        XCTAssertFalse(window.showsHUD)
        let noHUD = try window.screenshot()
        let hudOff = matchesPhoto(noHUD, x0: hudRect.x0, y0: hudRect.y0, x1: hudRect.x1, y1: hudRect.y1)
        XCTAssertLessThan(hudOff, 10, "with the HUD off, its area should show the photo")

        // The boxes: outline pixels in the face colour along all four edges.
        for (face, box) in zip(faces, mapped) {
            let x0 = Int(box.minX.rounded()), y0 = Int(box.minY.rounded())
            let x1 = Int(box.maxX.rounded()), y1 = Int(box.maxY.rounded())
            var edge: [RGB] = []
            for x in stride(from: x0 + 3, to: x1 - 3, by: 3) { edge += [noHUD.pixel(x: x, y: y0 + 1), noHUD.pixel(x: x, y: y1 - 2)] }
            for y in stride(from: y0 + 3, to: y1 - 3, by: 3) { edge += [noHUD.pixel(x: x0 + 1, y: y), noHUD.pixel(x: x1 - 2, y: y)] }
            let inColour = edge.filter { PixelStats.close($0, face.color, 4) }.count
            XCTAssertGreaterThan(Double(inColour), 0.95 * Double(edge.count), "face #\(face.id): box outline not in its colour")
            // Just outside the box, the photo shows again (a few pixels away from the tag side).
            XCTAssertLessThan(matchesPhoto(noHUD, x0: x1 + 3, y0: (y0 + y1) / 2 - 5, x1: x1 + 9, y1: (y0 + y1) / 2 + 5), 12)
        }

        // The tags: a strip of the face colour above each box (below when the box touches the top)
        // with text in black (on amber) or white (on blue).
        for (face, box) in zip(faces, mapped) {
            let x0 = Int(box.minX.rounded()), y0 = Int(box.minY.rounded()), y1 = Int(box.maxY.rounded())
            let above = (x0: x0 + 1, y0: y0 - 18, x1: x0 + 70, y1: y0 - 1)
            let below = (x0: x0 + 1, y0: y1 + 1, x1: x0 + 70, y1: y1 + 18)
            let area = (above.x1 - above.x0) * (above.y1 - above.y0)
            let textColour = face.id == 1 ? RGB.black : RGB.white
            func hasTag(_ strip: (x0: Int, y0: Int, x1: Int, y1: Int)) -> Bool {
                let background = countPixels(noHUD, strip) { PixelStats.close($0, face.color, 4) }
                let glyphs = countPixels(noHUD, strip) { PixelStats.close($0, textColour, 60) }
                return background > area * 4 / 10 && glyphs > 15
            }
            if y0 - Int(vp.minY) >= 40 {
                XCTAssertTrue(hasTag(above), "face #\(face.id): no tag strip with text above the box")
            } else if y0 - Int(vp.minY) < 16 {
                XCTAssertTrue(hasTag(below), "face #\(face.id): no tag strip with text below the box")
            } else {
                XCTAssertTrue(hasTag(above) != hasTag(below), "face #\(face.id): expected one tag strip, above or below")
            }
        }

        // b pixelates the faces: inside each box, blocks of one colour; before, the face had detail.
        try pushKey(SDLK_b)
        XCTAssertEqual(window.pollEvents(), [.blur(true)])
        let blurred = try window.screenshot()
        try saveForInspection(blurred, "overlay_blurred")
        for face in faces {
            let (sharpSpread, blurSpread) = blockSpreads(face.box, frameWidth: photo.width, frameHeight: photo.height,
                                                         layout: layout, before: noHUD, after: blurred)
            XCTAssertLessThan(blurSpread, 8, "face #\(face.id): pixelated blocks are not uniform")
            XCTAssertGreaterThan(sharpSpread, 3 * blurSpread + 10, "face #\(face.id): the face had no detail to hide?")
            // The box and its tag are still drawn over the pixelated face.
            let box = layout.map(face.box)
            XCTAssertTrue(PixelStats.close(blurred.pixel(x: Int(box.midX), y: Int(box.minY.rounded()) + 1), face.color, 4))
        }
        // Outside the faces, nothing changed.
        XCTAssertLessThan(matchesPhoto(blurred, x0: Int(vp.minX) + 10, y0: Int(vp.maxY) - 60, x1: Int(vp.minX) + 120, y1: Int(vp.maxY) - 10), 10)
        // The caller's frame was never modified.
        XCTAssertEqual(frame.image.luma.pixels, lumaBefore)
        XCTAssertEqual(frame.image.cb, cbBefore)

        // b again: the sharp face returns.
        try pushKey(SDLK_b)
        XCTAssertEqual(window.pollEvents(), [.blur(false)])
        let sharpAgain = try window.screenshot()
        XCTAssertEqual(PixelStats.meanDifference(noHUD, sharpAgain, x0: 0, y0: 0, x1: noHUD.width, y1: noHUD.height), 0, accuracy: 0.5)
    }

    /// Mean (over blocks inside the face) of the largest channel range within each block's interior,
    /// before and after pixelation.
    private func blockSpreads(_ box: Rect, frameWidth: Int, frameHeight: Int, layout: OverlayLayout,
                              before: Image, after: Image) -> (Double, Double) {
        guard let region = FacePixelation.region(for: box, width: frameWidth, height: frameHeight) else { return (0, .infinity) }
        let block = FacePixelation.blockSize(for: box)
        let inner = box.expanded(by: -0.08)
        var sharp = 0, blur = 0, cells = 0
        for by in stride(from: region.y0, to: region.y1 - block, by: block) {
            for bx in stride(from: region.x0, to: region.x1 - block, by: block) {
                let cell = Rect(x: Float(bx), y: Float(by), width: Float(block), height: Float(block))
                guard inner.intersection(cell) == cell else { continue }
                let w = layout.map(cell)
                let x0 = Int(w.minX.rounded(.up)) + 2, y0 = Int(w.minY.rounded(.up)) + 2
                let x1 = Int(w.maxX.rounded(.down)) - 2, y1 = Int(w.maxY.rounded(.down)) - 2
                guard x1 > x0, y1 > y0 else { continue }
                sharp += PixelStats.spread(before, x0: x0, y0: y0, x1: x1, y1: y1)
                blur += PixelStats.spread(after, x0: x0, y0: y0, x1: x1, y1: y1)
                cells += 1
            }
        }
        XCTAssertGreaterThan(cells, 10, "too few blocks inside the face to judge")
        return (Double(sharp) / Double(max(1, cells)), Double(blur) / Double(max(1, cells)))
    }

    /// Writes a screenshot to `$DISPLAY_TEST_SHOTS/<name>.jpg` when that variable is set (for a human to look at).
    private func saveForInspection(_ image: Image, _ name: String) throws {
        guard let dir = ProcessInfo.processInfo.environment["DISPLAY_TEST_SHOTS"] else { return }
        try JPEGEncoder.write(image, to: "\(dir)/\(name).jpg", quality: 95)
    }

    private func countPixels(_ image: Image, _ r: (x0: Int, y0: Int, x1: Int, y1: Int), where test: (RGB) -> Bool) -> Int {
        var n = 0
        for y in max(0, r.y0)..<min(image.height, r.y1) {
            for x in max(0, r.x0)..<min(image.width, r.x1) where test(image.pixel(x: x, y: y)) { n += 1 }
        }
        return n
    }

    // MARK: - Keys

    func testKeysReportQuitAndToggles() throws {
        try requireServer()
        let window = try OverlayWindow(title: "keys", width: 320, height: 240, showHUD: true)
        defer { window.close() }
        try window.show(OverlayFrame(image: try TestFrames.yuv(from: TestFrames.solid(width: 320, height: 240, color: .blue),
                                                               layout: .yuv420, range: .limited)))
        _ = window.pollEvents() // the window's own map/expose events
        try pushKey(SDLK_q)
        XCTAssertEqual(window.pollEvents(), [.quit])
        try pushKey(SDLK_ESCAPE)
        XCTAssertEqual(window.pollEvents(), [.quit])
        try pushKey(SDLK_h)
        try pushKey(SDLK_b)
        XCTAssertEqual(window.pollEvents(), [.hud(false), .blur(true)])
        XCTAssertFalse(window.showsHUD)
        XCTAssertTrue(window.blursFaces)
        try pushKey(SDLK_f)
        XCTAssertEqual(window.pollEvents(), [.fullscreen(true)])
        XCTAssertTrue(window.isFullscreen)
        try pushKey(SDLK_f)
        XCTAssertEqual(window.pollEvents(), [.fullscreen(false)])
        XCTAssertFalse(window.isFullscreen)
        // Auto-repeat does not toggle again; other keys do nothing.
        try pushKey(SDLK_h, repeat: true)
        try pushKey(SDLK_x)
        XCTAssertEqual(window.pollEvents(), [])
        // Closing the window (the window manager's close button) quits.
        var close = SDL_Event()
        close.type = SDL_WINDOWEVENT.rawValue
        close.window.event = UInt8(SDL_WINDOWEVENT_CLOSE.rawValue)
        XCTAssertEqual(SDL_PushEvent(&close), 1)
        XCTAssertEqual(window.pollEvents(), [.quit])
    }

    func testWaitForEventsSleepsUntilWokenFromAnotherThread() throws {
        try requireServer()
        let window = try OverlayWindow(title: "wake", width: 160, height: 120)
        defer { window.close() }
        try window.show(OverlayFrame(image: try TestFrames.yuv(from: TestFrames.solid(width: 160, height: 120, color: .red),
                                                               layout: .gray, range: .full)))
        // Nothing happens: the wait lasts its timeout.
        _ = window.waitForEvents(timeout: 0.05) // the window's own expose events, if any
        var start = Date()
        XCTAssertEqual(window.waitForEvents(timeout: 0.3), [])
        XCTAssertGreaterThan(Date().timeIntervalSince(start), 0.25)
        // A wake-up from a worker thread ends the wait early.
        let wakeUp = window.wakeUp
        start = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { wakeUp.wake() }
        XCTAssertEqual(window.waitForEvents(timeout: 5), [])
        let waited = Date().timeIntervalSince(start)
        XCTAssertGreaterThan(waited, 0.05)
        XCTAssertLessThan(waited, 2)
        // Keys arriving during a wait are reported.
        try pushKey(SDLK_q)
        XCTAssertEqual(window.waitForEvents(timeout: 1), [.quit])
        // After close, wake-ups do nothing.
        window.close()
        wakeUp.wake()
        XCTAssertEqual(window.pollEvents(), [])
    }

    private func pushKey(_ code: SDL_KeyCode, repeat isRepeat: Bool = false) throws {
        var event = SDL_Event()
        event.type = SDL_KEYDOWN.rawValue
        event.key.state = UInt8(SDL_PRESSED)
        event.key.repeat = isRepeat ? 1 : 0
        event.key.keysym.sym = SDL_Keycode(truncatingIfNeeded: code.rawValue)
        XCTAssertEqual(SDL_PushEvent(&event), 1, "SDL_PushEvent: \(String(cString: SDL_GetError()))")
    }

    // MARK: - Frame sizes and layouts

    func testFrameSizeChangesAndOddSizes() throws {
        try requireServer()
        let window = try OverlayWindow(title: "sizes", width: 640, height: 480, showHUD: false)
        defer { window.close() }
        let colours: [(RGB, RGB)] = [(RGB(r: 220, g: 30, b: 30), RGB(r: 30, g: 30, b: 220)),
                                     (RGB(r: 30, g: 200, b: 30), RGB(r: 230, g: 230, b: 40)),
                                     (RGB(r: 200, g: 200, b: 200), RGB(r: 20, g: 20, b: 20)),
                                     (RGB(r: 250, g: 120, b: 20), RGB(r: 20, g: 120, b: 250))]
        for (i, size) in [(640, 480), (320, 240), (321, 241), (1920, 1080)].enumerated() {
            // The window takes the frame's size, shrunk to fit the 1280x720 screen.
            let expected = OverlayLayout.initialWindowSize(width: size.0, height: size.1, bounds: (1280, 720))
            var rgb = try TestFrames.solid(width: size.0, height: size.1, color: colours[i].0)
            rgb.fillRectangle(Rect(x: Float(size.0 / 2), y: 0, width: Float(size.0), height: Float(size.1)), color: colours[i].1)
            let frame = OverlayFrame(image: try TestFrames.yuv(from: rgb, layout: .yuv420, range: .limited))
            try window.show(frame)
            // The window takes the new frame size (the X server resizes it asynchronously).
            let deadline = Date().addingTimeInterval(3)
            while window.layout?.outputWidth != expected.width, Date() < deadline {
                usleep(20_000)
                _ = window.pollEvents()
            }
            let shot = try window.screenshot()
            let layout = try XCTUnwrap(window.layout)
            XCTAssertEqual(layout.frameWidth, size.0)
            XCTAssertEqual(shot.width, expected.width)
            XCTAssertEqual(shot.height, expected.height)
            let vp = layout.viewport
            let left = shot.pixel(x: Int(vp.minX + vp.width / 4), y: Int(vp.midY))
            let right = shot.pixel(x: Int(vp.minX + vp.width * 3 / 4), y: Int(vp.midY))
            XCTAssertTrue(PixelStats.close(left, colours[i].0, 6), "\(size): left half \(left), expected \(colours[i].0)")
            XCTAssertTrue(PixelStats.close(right, colours[i].1, 6), "\(size): right half \(right), expected \(colours[i].1)")
        }
    }

    func testFullscreenLetterboxesAndMapsBoxesToTheWindow() throws {
        try requireServer()
        let window = try OverlayWindow(title: "fullscreen", width: 640, height: 480, showHUD: false)
        defer { window.close() }
        if window.rendererName.hasPrefix("opengl") {
            // Seen with SDL_RENDER_DRIVER=opengl: Mesa's llvmpipe on Xvfb keeps drawing into the old
            // 640x480 area after the resize. The default (software) renderer is what runs here.
            throw XCTSkip("skipped: CPU OpenGL (forced with SDL_RENDER_DRIVER) does not follow window resizes on Xvfb")
        }
        let background = RGB(r: 90, g: 140, b: 90)
        let image = try TestFrames.yuv(from: TestFrames.solid(width: 640, height: 480, color: background), layout: .yuv420, range: .full)
        let box = Rect(x: 400, y: 200, width: 160, height: 180)
        try window.show(OverlayFrame(image: image, faces: [OverlayFace(id: 1, box: box, label: "sad", confidence: 0.5, color: Self.blue)]))
        try pushKey(SDLK_f)
        XCTAssertEqual(window.pollEvents().first, .fullscreen(true))
        // The window manager (here: the X server alone) resizes the window asynchronously.
        let deadline = Date().addingTimeInterval(3)
        while window.layout?.outputWidth != 1280, Date() < deadline {
            usleep(20_000)
            _ = window.pollEvents()
        }
        let shot = try window.screenshot()
        try saveForInspection(shot, "overlay_fullscreen")
        let layout = try XCTUnwrap(window.layout)
        XCTAssertEqual(shot.width, 1280)
        XCTAssertEqual(shot.height, 720)
        XCTAssertEqual(layout.viewport, Rect(x: 160, y: 0, width: 960, height: 720), "4:3 video in a 16:9 screen: bars left and right")
        XCTAssertEqual(shot.pixel(x: 80, y: 360), .black, "letterbox bar")
        XCTAssertEqual(shot.pixel(x: 1200, y: 360), .black, "letterbox bar")
        XCTAssertTrue(PixelStats.close(shot.pixel(x: 300, y: 600), background, 3))
        let mapped = layout.map(box) // x 760...1000, y 300...570
        XCTAssertEqual(mapped, Rect(x: 760, y: 300, width: 240, height: 270))
        for (x, y) in [(Int(mapped.midX), 301), (Int(mapped.midX), 568), (761, Int(mapped.midY)), (998, Int(mapped.midY))] {
            XCTAssertTrue(PixelStats.close(shot.pixel(x: x, y: y), Self.blue, 4), "box edge at (\(x), \(y)): \(shot.pixel(x: x, y: y))")
        }
        XCTAssertTrue(PixelStats.close(shot.pixel(x: 880, y: 435), background, 3), "inside the box")
        // Back to the window.
        try pushKey(SDLK_f)
        XCTAssertEqual(window.pollEvents().first, .fullscreen(false))
    }

    func testChromaLayoutsAndRangesDisplayTheSamePicture() throws {
        try requireServer()
        let photo = try ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent("two_people.jpg").path, as: .rgb8)
            .resized(width: 640, height: 376)
        let window = try OverlayWindow(title: "layouts", width: 640, height: 376, showHUD: false)
        defer { window.close() }
        let grey = photo.converted(to: .gray8).converted(to: .rgb8)
        for (layout, range) in [(ChromaLayout.yuv420, YUVRange.limited), (.yuv422, .limited), (.yuv422, .full),
                                (.yuv444, .full), (.yuv444, .limited), (.gray, .limited), (.gray, .full)] {
            let frame = try TestFrames.yuv(from: photo, layout: layout, range: range)
            try window.show(OverlayFrame(image: frame))
            let shot = try window.screenshot()
            let geometry = try XCTUnwrap(window.layout)
            XCTAssertEqual(geometry.viewport, Rect(x: 0, y: 0, width: 640, height: 376))
            let reference = layout == .gray ? grey : photo
            let diff = PixelStats.meanDifference(reference, shot, x0: 0, y0: 0, x1: 640, y1: 376)
            XCTAssertLessThan(diff, 4, "\(layout) \(range): mean difference \(diff) from the photo")
            if layout == .gray {
                let p = shot.pixel(x: 500, y: 200)
                XCTAssertTrue(abs(Int(p.r) - Int(p.g)) <= 2 && abs(Int(p.b) - Int(p.g)) <= 2, "grey frame shows colour \(p)")
            }
        }
    }

    // MARK: - Bars and the text cache

    func testProbabilityBarsBesideTheBoxHaveProbabilityLengths() throws {
        try requireServer()
        let window = try OverlayWindow(title: "bars", width: 640, height: 480, showBars: true, showHUD: false)
        defer { window.close() }
        let background = RGB(gray: 128)
        let image = try TestFrames.yuv(from: TestFrames.solid(width: 640, height: 480, color: background), layout: .yuv420, range: .full)
        let box = Rect(x: 200, y: 150, width: 120, height: 140)
        let face = OverlayFace(id: 7, box: box, label: "happy", confidence: 0.8, color: Self.amber,
                               probabilities: [OverlayProbability(label: "happy", value: 0.8),
                                               OverlayProbability(label: "sad", value: 0.2),
                                               OverlayProbability(label: "fear", value: 0.0)])
        try window.show(OverlayFrame(image: image, faces: [face]))
        let shot = try window.screenshot()
        try saveForInspection(shot, "overlay_bars")
        // Scan the rows right of the box for horizontal runs of the bar colours.
        var amberRun = 0, greyRun = 0
        for y in Int(box.minY)..<Int(box.maxY) {
            var a = 0, g = 0
            for x in Int(box.maxX) + 1..<640 {
                let p = shot.pixel(x: x, y: y)
                if PixelStats.close(p, Self.amber, 3) { a += 1 }
                if PixelStats.close(p, RGB(gray: 190), 3) { g += 1 }
            }
            amberRun = max(amberRun, a)
            greyRun = max(greyRun, g)
        }
        XCTAssertGreaterThan(amberRun, 30, "no bar for the top class beside the box")
        XCTAssertGreaterThan(greyRun, 3, "no bar for the second class")
        XCTAssertEqual(Double(amberRun) / Double(max(1, greyRun)), 4, accuracy: 1, "bar lengths should follow 0.8 : 0.2")
        // The panel darkens the background right of the box; left of the box the picture is untouched.
        XCTAssertLessThan(shot.pixel(x: Int(box.maxX) + 8, y: Int(box.minY) + 4).r, 100)
        XCTAssertTrue(PixelStats.close(shot.pixel(x: Int(box.minX) - 30, y: Int(box.midY)), background, 3))
    }

    func testSixFacesWithBarsGetPanelsThatNeverOverlap() throws {
        try requireServer()
        let window = try OverlayWindow(title: "crowd", width: 640, height: 480, showBars: true, showHUD: false)
        defer { window.close() }
        let background = RGB(gray: 200)
        let image = try TestFrames.yuv(from: TestFrames.solid(width: 640, height: 480, color: background), layout: .yuv420, range: .full)
        let labels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
        let faces = (0..<6).map { i -> OverlayFace in
            let box = Rect(x: 20 + Float(i) * 105, y: 150 + Float(i % 2) * 60, width: 80, height: 96)
            let probabilities = labels.enumerated().map { OverlayProbability(label: $1, value: $0 == i ? 0.6 : 0.4 / 6) }
            return OverlayFace(id: i + 1, box: box, label: labels[i], confidence: 0.6, color: Self.amber,
                               probabilities: probabilities)
        }
        for _ in 0..<3 { try window.show(OverlayFrame(image: image, faces: faces)) }
        let shot = try window.screenshot()
        try saveForInspection(shot, "overlay_crowd")
        let placed = window.lastPlacements
        XCTAssertEqual(placed.count, 6)
        let panels = placed.compactMap(\.panel)
        XCTAssertEqual(panels.count, 6, "every face has its panel")
        for (i, a) in panels.enumerated() {
            for b in panels[(i + 1)...] { XCTAssertEqual(a.intersection(b).area, 0, "panels \(a) and \(b) overlap") }
            for face in faces where face.id != placed[i].id {
                XCTAssertEqual(a.intersection(face.box).area, 0, "a panel covers face #\(face.id)")
            }
            // On screen: the panel is drawn where the placement says (dark, semi-transparent black over light grey).
            let c = shot.pixel(x: Int(a.minX) + 2, y: Int(a.maxY) - 2)
            XCTAssertLessThan(Int(c.r), 150, "panel \(a) not drawn there")
        }
        // Between the panels the background is untouched somewhere: they are not one merged block.
        XCTAssertTrue(PixelStats.close(shot.pixel(x: 5, y: 470), background, 3))
    }

    func testTextTextureCacheStaysBounded() throws {
        try requireServer()
        let window = try OverlayWindow(title: "cache", width: 160, height: 120)
        defer { window.close() }
        let image = try TestFrames.yuv(from: TestFrames.solid(width: 160, height: 120, color: .white), layout: .yuv420, range: .full)
        var most = 0
        for i in 0..<200 {
            let faces = (0..<2).map { k in
                OverlayFace(id: i * 2 + k, box: Rect(x: Float(10 + 70 * k), y: 40, width: 50, height: 50),
                            label: "neutral", confidence: 0.5, color: .green)
            }
            try window.show(OverlayFrame(image: image, faces: faces, hud: HUDStats(fps: Double(i), faces: 2)))
            most = max(most, window.cachedTextCount)
        }
        XCTAssertGreaterThan(most, 100)
        XCTAssertLessThanOrEqual(most, 256)
    }
}
