import Detection
import Foundation
import Imaging
import Tracking
import XCTest

/// The tracker on real footage: YuNet on the 1080p pedestrian clip, detecting every 5th frame versus every frame.
final class PedestrianTrackingTests: XCTestCase {
    func testExploreDetectorWidths() throws {
        guard ProcessInfo.processInfo.environment["FER_LIVE_EXPLORE"] == "1" else { throw XCTSkip("set FER_LIVE_EXPLORE=1") }
        let files = try PedestrianClip.frames()
        for width in [320, 480, 640, 960] {
            let (faces, seconds) = try PedestrianClip.detections(inputWidth: width)
            let counts = faces.map(\.count)
            let sizes = faces.flatMap { $0.map { Int($0.box.width) } }.sorted()
            print("width \(width): \(String(format: "%.1f", seconds * 1000)) ms/frame, detections \(counts.reduce(0, +)), "
                  + "mean \(String(format: "%.2f", Double(counts.reduce(0, +)) / Double(counts.count))), max \(counts.max() ?? 0), "
                  + "box widths \(sizes.first ?? 0)...\(sizes.last ?? 0) median \(sizes.isEmpty ? 0 : sizes[sizes.count / 2]), "
                  + "scores min \(faces.flatMap { $0.map(\.score) }.min() ?? 0)")
            for every in [1, 5] {
                let report = try TrackingEvaluation.run(
                    frameCount: files.count, detectEvery: every,
                    frame: { (try PedestrianClip.luma(files[$0]), Double($0) / PedestrianClip.frameRate) },
                    detections: { faces[$0] })
                print("  \(report)")
            }
        }
    }

    func testExploreMisses() throws {
        guard ProcessInfo.processInfo.environment["FER_LIVE_EXPLORE"] == "2" else { throw XCTSkip("set FER_LIVE_EXPLORE=2") }
        let files = try PedestrianClip.frames()
        let width = Int(ProcessInfo.processInfo.environment["FER_LIVE_WIDTH"] ?? "640") ?? 640
        let (faces, _) = try PedestrianClip.detections(inputWidth: width)
        var lowIoU = 0
        var ratio = [Double](repeating: 0, count: 5), ratioN = [Double](repeating: 0, count: 5)
        var iouBy = [Double](repeating: 0, count: 5)
        var options = FaceTracker.Options()
        if let v = ProcessInfo.processInfo.environment["FER_LIVE_SCALE"], let f = Float(v) { options.scaleStep = f }
        if let v = ProcessInfo.processInfo.environment["FER_LIVE_LR"], let f = Float(v) { options.learningRate = f }
        if let v = ProcessInfo.processInfo.environment["FER_LIVE_CONFIRM"], let f = Float(v) { options.confirmScore = f }
        if let v = ProcessInfo.processInfo.environment["FER_LIVE_MINIOU"], let f = Float(v) { options.minIoU = f }
        if let v = ProcessInfo.processInfo.environment["FER_LIVE_TMISS"], let f = Int(v) { options.maxTentativeMisses = f }
        print(try TrackingEvaluation.run(frameCount: files.count, detectEvery: 5, options: options,
            frame: { (try PedestrianClip.luma(files[$0]), Double($0) / 25) }, detections: { faces[$0] }))
        let tracker = try FaceTracker(options: options)
        for i in 0..<files.count {
            let frame = try PedestrianClip.luma(files[i])
            let result = i % 5 == 0 ? tracker.update(frame: frame, time: Double(i) / 25, detections: faces[i])
                                    : tracker.track(frame: frame, time: Double(i) / 25)
            let pairs = BoxAssociation.match(faces[i].map(\.box), result.faces.map(\.box), minIoU: 0)
            let matchedRows = Set(pairs.map(\.row))
            var line = "frame \(i): \(faces[i].count) det, \(result.faces.count) conf, \(result.tentative.count) tent"
            if !result.started.isEmpty { line += " started \(result.started.map(\.id))" }
            if !result.ended.isEmpty { line += " ended \(result.ended.map { "\($0.id):\($0.reason)" })" }
            for (j, d) in faces[i].enumerated() where !matchedRows.contains(j) {
                let tent = result.tentative.map { $0.box.iou(d.box) }.max() ?? 0
                line += String(format: " | miss %.0f,%.0f w%.0f s%.2f tentIoU %.2f", d.box.x, d.box.y, d.box.width, d.score, tent)
            }
            for pair in pairs where pair.iou > 0.3 {
                ratio[i % 5] += log(Double(result.faces[pair.column].box.width / faces[i][pair.row].box.width))
                ratioN[i % 5] += 1
                iouBy[i % 5] += Double(pair.iou)
            }
            for pair in pairs where pair.iou < 0.6 {
                lowIoU += 1
                let f = result.faces[pair.column]
                line += String(format: " | low id%d iou %.2f w%.0f conf %.2f", f.id, pair.iou, f.box.width, f.trackingConfidence)
            }
            print(line)
        }
        print("low IoU pairs \(lowIoU)")
        for lag in 1...4 {
            var sum = 0.0, n = 0.0
            for i in 0..<(faces.count - lag) {
                for pair in BoxAssociation.match(faces[i].map(\.box), faces[i + lag].map(\.box), minIoU: 0.3) {
                    sum += Double(pair.iou); n += 1
                }
            }
            print("detection-to-detection IoU at lag \(lag): \(String(format: "%.3f", sum / n))")
        }
        print("log width ratio by frame offset: \((0..<5).map { String(format: "%.3f", ratio[$0] / ratioN[$0]) })")
        print("IoU by frame offset: \((0..<5).map { String(format: "%.3f", iouBy[$0] / ratioN[$0]) })")
    }
}
