import Classification
import Display
import Foundation
import Synchronization
import Imaging
import Pipeline

/// The overlay window on the main thread, fed with the newest analysed frame by the pipeline.
final class LiveWindow {
    /// The pipeline's end of the hand-over: keeps only the newest frame and wakes the window.
    let sink: LatestFrameSink
    private let window: OverlayWindow
    private let title: String

    init(title: String, fullscreen: Bool, bars: Bool, blur: Bool) throws {
        self.title = title
        window = try OverlayWindow(title: title, width: 640, height: 480, fullscreen: fullscreen, showBars: bars,
                                   blurFaces: blur)
        sink = LatestFrameSink(wakeUp: window.wakeUp)
    }

    /// Shows frames as they come and handles keys until the pipeline finishes; `onQuit` runs on q/Esc/close.
    func runLoop(onQuit: () -> Void) {
        var quitting = false
        var showFailures = 0
        while true {
            // Sleeps until a key, a new frame (the sink wakes the window) or 50 ms.
            let commands = window.waitForEvents(timeout: 0.05)
            let (result, finished) = sink.take()
            if let result {
                do { try window.show(overlay(result)) } catch { showFailures += 1; if showFailures == 1 { reportShowFailure(error) } }
            }
            for command in commands + window.pollEvents() where command == .quit && !quitting {
                quitting = true
                onQuit()
            }
            if finished { break }
        }
        window.close()
    }

    private func reportShowFailure(_ error: Error) {
        FileHandle.standardError.write(Data("fer-live: overlay window: \(error)\n".utf8))
    }

    private func overlay(_ result: FrameResult) -> OverlayFrame {
        let faces = result.analysis.faces.map { face -> OverlayFace in
            let label = face.emotion?.label ?? "…"
            let color = Emotion(parsing: label)?.color ?? RGB(r: 200, g: 200, b: 200)
            let probabilities = face.emotion.map { e in
                zip(e.labels, e.probabilities).map { OverlayProbability(label: $0, value: $1, color: Emotion(parsing: $0)?.color) }
            } ?? []
            return OverlayFace(id: face.id, box: face.box, label: label, confidence: face.emotion?.confidence ?? 0,
                               color: color, probabilities: probabilities,
                               showsConfidence: face.emotion.map { !$0.isUncertain } ?? false)
        }
        let hud = HUDStats(fps: result.fps, latencyMilliseconds: result.latency * 1000, faces: faces.count,
                           drops: result.dropped, status: title)
        return OverlayFrame(image: result.frame, faces: faces, hud: hud)
    }
}

/// A one-slot mailbox from the analysis queue to the main thread: a newer frame replaces an unshown one.
final class LatestFrameSink: FrameSink, Sendable {
    private let wakeUp: DisplayWakeUp
    private let slot = Mutex<(latest: FrameResult?, finished: Bool)>((nil, false))

    init(wakeUp: DisplayWakeUp) { self.wakeUp = wakeUp }

    func handle(_ result: FrameResult) {
        slot.withLock { $0.latest = result }
        wakeUp.wake()
    }

    /// No more frames will come.
    func finish() {
        slot.withLock { $0.finished = true }
        wakeUp.wake()
    }

    /// The newest unshown frame, if any, and whether the pipeline has finished (and everything was shown).
    func take() -> (FrameResult?, Bool) {
        slot.withLock { s in
            let result = s.latest
            s.latest = nil
            return (result, s.finished && result == nil)
        }
    }
}
