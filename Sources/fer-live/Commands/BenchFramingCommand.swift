import ArgumentParser
import Classification
import Detection
import Dispatch
import Evaluation
import FaceAnalysis
import Foundation
import Synchronization
import Imaging

/// `fer-live bench framing`: where the landmarks of FER2013's training faces fall, i.e. the framing the
/// classifiers were trained on, and where each detector's landmarks fall in its own boxes.
struct BenchFramingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "framing",
        abstract: "Measure the training faces' framing (landmark template) and each detector's landmark prior.",
        discussion: """
            Every --stride-th face of --data (FER2013 train by default) is scaled --scale times, drawn on a grey \
            320x320 canvas and given to YuNet, MTCNN and Haar. For the detection at the face: its landmarks mapped \
            back into the 48x48 face (the template: where a classifier's input has the eyes, nose and mouth) and \
            its landmarks in its own box (the prior used for crops when a face has no landmarks). Haar has no \
            landmarks: its prior is YuNet's landmarks of the same face in Haar's box. Medians; JSON with --json.
            """)

    @Option(help: "Folder of face crops laid out as DIR/<emotion>/*.jpg (default: ../shared/data/fer2013/train).")
    var data: String?

    @Option(help: "Use every Nth image (in a fixed order).")
    var stride: Int = 10

    @Option(help: "Face side on the canvas, in multiples of the crop side.")
    var scale: Float = 4

    @Option(help: "Mirrored context around each face, as a fraction of its side (as bench pipeline draws faces).")
    var context: Float = 0

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup(title: "Models") var recognition: RecognitionOptions

    func validate() throws {
        guard stride >= 1 else { throw ValidationError("--stride must be at least 1") }
        guard (1.5...6).contains(scale) else { throw ValidationError("--scale must be in 1.5...6") }
    }

    /// What one detector measured.
    struct DetectorFraming: Encodable {
        var detector: String
        var found: Int
        /// Landmarks in unit face-crop coordinates (nil for Haar).
        var template: [[Float]]?
        /// Landmarks in unit box coordinates.
        var prior: [[Float]]?
        /// Median box width and height in unit face-crop coordinates, and its centre.
        var box: [Float]?
    }

    struct Report: Encodable {
        var data: String
        var images: Int
        var scale: Float
        var detectors: [DetectorFraming]
    }

    /// One face's measurements: per detector the box and landmarks in face-crop pixels (nil when not found).
    typealias Sample = [DetectorKind: (box: Rect, landmarks: FaceLandmarks?)]

    func run() throws {
        let locator = try recognition.locator()
        let directory = try data ?? SharedData.path("data/fer2013/train", locator: locator)
        let dataset = try LabelledDataset.scan(directory: directory, labels: Emotion.canonicalNames)
        let samples = Swift.stride(from: 0, to: dataset.samples.count, by: stride).map { dataset.samples[$0] }
        guard !samples.isEmpty else { throw ValidationError("\(directory): no images") }
        let canvasSide = 320
        let results = Mutex([Sample](repeating: [:], count: samples.count))
        let failure = Mutex<Error?>(nil)
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, samples.count)
        let progress = ProgressBar(total: samples.count, label: "framing")
        let recognition = self.recognition, scale = self.scale, context = self.context
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            do {
                var detectors: [(DetectorKind, FaceDetector)] = []
                for kind in DetectorKind.allCases {
                    detectors.append((kind, try recognition.makeDetector(locator, kind: kind, yunetWidth: 320)))
                }
                let background = try Image(width: canvasSide, height: canvasSide, format: .rgb8, fill: 128)
                for index in Swift.stride(from: worker, to: samples.count, by: workers) {
                    let face = try ImageCodec.decode(fileAt: samples[index].path, as: .gray8)
                    let scene = FaceScene(side: Float(face.width) * scale,
                                          center: Point(x: Float(canvasSide) / 2, y: Float(canvasSide) / 2), angle: 0,
                                          context: context)
                    let canvas = try scene.render(face: face, on: background)
                    guard let toFace = scene.faceToFrame(faceSide: face.width).inverted() else { continue }
                    var sample: Sample = [:]
                    for (kind, detector) in detectors {
                        guard let hit = try detector.detect(in: canvas).nearest(to: scene.center, within: scene.side * 0.35)
                        else { continue }
                        let corners = [Point(x: hit.box.minX, y: hit.box.minY), Point(x: hit.box.maxX, y: hit.box.maxY)]
                            .map(toFace.apply)
                        let box = Rect(x: corners[0].x, y: corners[0].y, width: corners[1].x - corners[0].x,
                                       height: corners[1].y - corners[0].y)
                        sample[kind] = (box, hit.landmarks?.mapped(toFace.apply))
                    }
                    results.withLock { $0[index] = sample }
                    progress.advance(by: 1)
                }
            } catch {
                failure.withLock { $0 = error }
            }
        }
        progress.finish()
        if let error = failure.withLock({ $0 }) { throw error }
        let all = results.withLock { $0 }
        let side = Float(48)
        var rows: [DetectorFraming] = []
        for kind in DetectorKind.allCases {
            let found = all.compactMap { $0[kind] }
            var row = DetectorFraming(detector: kind.rawValue, found: found.count)
            let withLandmarks = found.compactMap { f in f.landmarks.map { (box: f.box, landmarks: $0) } }
            if !withLandmarks.isEmpty {
                let unit = Rect(x: 0, y: 0, width: side, height: side)
                row.template = LandmarkPrior.measured(from: withLandmarks.map { (box: unit, landmarks: $0.landmarks) })?
                    .symmetrised.points.map { [$0.x, $0.y] }
                row.prior = LandmarkPrior.measured(from: withLandmarks)?.symmetrised.points.map { [$0.x, $0.y] }
            } else {
                // No landmarks of its own: YuNet's landmarks of the same faces, in this detector's boxes.
                let paired = all.compactMap { s -> (box: Rect, landmarks: FaceLandmarks)? in
                    guard let mine = s[kind], let lm = s[.yunet]?.landmarks else { return nil }
                    return (mine.box, lm)
                }
                row.prior = LandmarkPrior.measured(from: paired)?.symmetrised.points.map { [$0.x, $0.y] }
            }
            if !found.isEmpty {
                let med = { (v: [Float]) in v.sorted()[v.count / 2] / side }
                row.box = [med(found.map(\.box.width)), med(found.map(\.box.height)),
                           med(found.map(\.box.center.x)), med(found.map(\.box.center.y))]
            }
            rows.append(row)
        }
        let report = Report(data: directory, images: samples.count, scale: scale, detectors: rows)
        if json {
            try JSONOutput.print(report)
            return
        }
        print("fer-live bench framing: \(samples.count) faces of \(directory), drawn at \(scale)x on a grey canvas")
        let fmt = { (p: [[Float]]?) in p.map { $0.map { String(format: "(%.3f, %.3f)", $0[0], $0[1]) }.joined(separator: " ") } ?? "–" }
        for row in rows {
            print("\n\(row.detector): found \(row.found) of \(samples.count)")
            print("  template (unit crop; eyes, nose, mouth corners): \(fmt(row.template))")
            print("  prior (unit box):                                \(fmt(row.prior))")
            if let b = row.box {
                print(String(format: "  box in the crop: %.3f x %.3f of its side, centre (%.3f, %.3f)", b[0], b[1], b[2], b[3]))
            }
        }
    }
}

extension Array where Element == DetectedFace {
    /// The face whose box centre is nearest `point`, if one is within `distance` pixels of it.
    func nearest(to point: Point, within distance: Float) -> DetectedFace? {
        let best = self.min { $0.box.center.distance(to: point) < $1.box.center.distance(to: point) }
        guard let best, best.box.center.distance(to: point) <= distance else { return nil }
        return best
    }
}
