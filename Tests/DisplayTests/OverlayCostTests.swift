import Display
import Foundation
import Imaging
import TestSupport
import XCTest

/// What `show()` costs per frame (upload + draw + present) under Xvfb, with 4 faces, bars and the HUD.
/// Prints the numbers; `SDL_RENDER_DRIVER=software` measures SDL's software renderer instead of OpenGL.
final class OverlayCostTests: XCTestCase {
    func testShowCostAt640x480And1920x1080() throws {
        let server: XvfbServer
        server = try XvfbServer()
        defer { server.stop() }
        let photo = try ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent("two_people.jpg").path, as: .rgb8)
        for (width, height) in [(640, 480), (1920, 1080)] {
            let image = try TestFrames.yuv(from: photo.resized(width: width, height: height), layout: .yuv420, range: .limited)
            let faces = Self.fourFaces(width: width, height: height)
            for (overlay, blur) in [(false, false), (true, false), (true, true)] {
                let window = try OverlayWindow(title: "cost", width: width, height: height, showBars: overlay,
                                               showHUD: overlay, blurFaces: blur)
                defer { window.close() }
                var times: [Double] = []
                var cpu = 0.0
                for i in 0..<110 {
                    // The HUD numbers change every frame (worst case for the text cache).
                    let hud = HUDStats(fps: 25 + Double(i) * 0.1, latencyMilliseconds: Double(10 + i % 7), faces: 4,
                                       drops: i / 50, status: "bench · \(width)x\(height)")
                    let start = MonotonicTime.now(), cpuStart = Self.processCPUSeconds()
                    try window.show(OverlayFrame(image: image, faces: overlay ? faces : [], hud: hud))
                    _ = window.pollEvents()
                    if i >= 10 {
                        times.append(MonotonicTime.now() - start)
                        cpu += Self.processCPUSeconds() - cpuStart
                    }
                }
                times.sort()
                let median = times[times.count / 2] * 1000, p90 = times[times.count * 9 / 10] * 1000
                let window_ = window.layout.map { "\(Int($0.outputWidth))x\(Int($0.outputHeight))" } ?? "?"
                print(String(format: "overlay show() %dx%d %@%@ [%@, window %@]: median %.2f ms, p90 %.2f ms, CPU %.2f ms/frame",
                             width, height, overlay ? "4 faces bars HUD" : "video only", blur ? " blur" : "",
                             window.rendererName, window_, median, p90, cpu * 1000 / Double(times.count)))
                XCTAssertLessThan(median, 200, "show() takes \(median) ms")
            }
        }

        // CPU at 640x480, 30 fps for 3 s: this process and the X server.
        let image = try TestFrames.yuv(from: photo.resized(width: 640, height: 480), layout: .yuv420, range: .limited)
        let window = try OverlayWindow(title: "cpu", width: 640, height: 480, showBars: true)
        defer { window.close() }
        let faces = Self.fourFaces(width: 640, height: 480)
        let selfStart = Self.processCPUSeconds(), serverStart = server.cpuSeconds, wallStart = MonotonicTime.now()
        let frames = 90
        for i in 0..<frames {
            let due = wallStart + Double(i) / 30
            let wait = due - MonotonicTime.now()
            if wait > 0 { usleep(useconds_t(wait * 1_000_000)) }
            try window.show(OverlayFrame(image: image, faces: faces,
                                         hud: HUDStats(fps: 30, latencyMilliseconds: Double(10 + i % 5), faces: 4, drops: 0, status: "cpu")))
            _ = window.pollEvents()
        }
        let wall = MonotonicTime.now() - wallStart
        let selfCPU = Self.processCPUSeconds() - selfStart, serverCPU = server.cpuSeconds - serverStart
        print(String(format: "overlay 640x480 at 30 fps [%@]: this process %.0f%% of a core, Xvfb %.0f%% (%.1f s wall)",
                     window.rendererName, 100 * selfCPU / wall, 100 * serverCPU / wall, wall))
    }

    static func fourFaces(width: Int, height: Int) -> [OverlayFace] {
        let s = Float(height) / 480
        let names = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
        return (0..<4).map { k in
            let probabilities = names.enumerated().map { j, name in
                OverlayProbability(label: name, value: j == k + 2 ? 0.7 : 0.05)
            }
            return OverlayFace(id: k + 1, box: Rect(x: (30 + Float(k) * 150) * s, y: (120 + Float(k % 2) * 120) * s,
                                                    width: 90 * s, height: 110 * s),
                               label: names[k + 2], confidence: 0.7, color: RGB(r: 255, g: 200, b: 0), probabilities: probabilities)
        }
    }

    /// CPU time of the whole process (all threads), in seconds.
    static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// Seconds on the monotonic clock.
enum MonotonicTime {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
