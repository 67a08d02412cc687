import ArgumentParser
import Classification
import Detection
import Dispatch
import Evaluation
import FaceAnalysis
import Foundation
import Synchronization
import Imaging
import Pipeline

/// `fer-live bench pipeline`: every labelled face put back into a camera-like frame and read through the
/// whole path (detect → crop → classify), beside the classifier's accuracy on the same faces directly.
struct BenchPipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Whole-path accuracy (detect, crop, classify) on labelled faces re-embedded in 640x480 frames.",
        discussion: """
            Each face of --data (FER2013 PublicTest by default) is drawn into a 640x480 frame made from one of the \
            --backgrounds photos: side 64-224 pixels (log-uniform), turned by up to ±15°, anywhere in the frame, \
            its edge feathered; 70 % of frames as they are, 15 % dark (gain 0.4, gamma 1.4, noise) and 15 % \
            blurred (σ = side/48). Placement is drawn from --seed, so every run and machine sees the same frames. \
            The detector runs on the frame; the detection nearest the face (centre within 0.35 of its side) is \
            cropped as --crop says and classified. Direct: the same classifier on the original crop. Reported on the \
            faces the detector found (the crop's gap: direct against whole path on the same faces) and on all faces \
            (a miss counts as wrong). Each face gets a mirrored --context ring, since a tight 48x48 crop has no head \
            outline for the detector to find.
            """)

    /// How the detection is cropped for the classifier.
    enum CropStyle: String, ExpressibleByArgument, CaseIterable {
        /// The classifier's own crop (the manifest's framing): what `fer-live` does.
        case manifest
        /// The detector's box grown by the manifest's face_margin and stretched to the input, eyes levelled
        /// (fer-live before the aligned crop).
        case stretched
        /// The square of side max(w, h) about the box centre.
        case square
    }

    @Option(help: "Folder of labelled face crops, DIR/<emotion>/*.jpg (default: ../shared/data/fer2013/val).")
    var data: String?

    @Option(help: "Folder of background photos (default: ../shared/media/photos, else Tests/Fixtures).")
    var backgrounds: String?

    @Option(help: "Detectors to measure, comma-separated.")
    var detectors: String = DetectorKind.yunet.rawValue

    @Option(help: "Crop: manifest (the classifier's framing, as fer-live does), stretched (the old box crop) or square.")
    var crop: CropStyle = .manifest

    @Option(help: "Only the first N faces (in a fixed order).")
    var limit: Int?

    @Option(help: "Only every Nth face (all classes, in a fixed order): a quicker, still balanced run.")
    var every: Int = 1

    @Option(help: "Seed of the placements.")
    var seed: UInt64 = 1

    @Option(help: "Mirrored context around each face, as a fraction of its side on each side (FER2013 crops are tight).")
    var context: Float = 0.25

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Write the first N frames (face box drawn) and the crops the classifier saw into --examples-dir, as JPEG.")
    var examples: Int = 0

    @Option(help: "Folder for --examples (created).")
    var examplesDir: String = "pipeline-examples"

    @OptionGroup(title: "Models") var recognition: RecognitionOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if every < 1 { throw ValidationError("--every must be at least 1") }
        for name in detectorKinds.map(\.0) where DetectorKind(rawValue: name) == nil {
            throw ValidationError("--detectors: unknown detector '\(name)' (choose from \(DetectorKind.allValueStrings.joined(separator: ", ")))")
        }
    }

    private var detectorKinds: [(String, DetectorKind?)] {
        detectors.split(separator: ",").map { let n = String($0).trimmingCharacters(in: .whitespaces); return (n, DetectorKind(rawValue: n)) }
    }

    /// Counts for one detector and exposure.
    struct Tally: Encodable {
        var faces = 0
        var found = 0
        var direct_correct = 0
        var path_correct = 0
        /// Direct hits among the faces the detector found: the like-for-like reference of the crop.
        var found_direct_correct = 0
        var direct_accuracy: Double { faces > 0 ? Double(direct_correct) / Double(faces) : 0 }
        var path_accuracy: Double { faces > 0 ? Double(path_correct) / Double(faces) : 0 }
        var found_direct_accuracy: Double { found > 0 ? Double(found_direct_correct) / Double(found) : 0 }
        var found_path_accuracy: Double { found > 0 ? Double(path_correct) / Double(found) : 0 }

        mutating func add(_ other: Tally) {
            faces += other.faces; found += other.found
            direct_correct += other.direct_correct; path_correct += other.path_correct
            found_direct_correct += other.found_direct_correct
        }

        enum CodingKeys: String, CodingKey {
            case faces, found, direct_correct, path_correct, found_direct_correct, direct_accuracy, path_accuracy
            case found_direct_accuracy, found_path_accuracy
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(faces, forKey: .faces); try c.encode(found, forKey: .found)
            try c.encode(direct_correct, forKey: .direct_correct); try c.encode(path_correct, forKey: .path_correct)
            try c.encode(found_direct_correct, forKey: .found_direct_correct)
            try c.encode(direct_accuracy, forKey: .direct_accuracy); try c.encode(path_accuracy, forKey: .path_accuracy)
            try c.encode(found_direct_accuracy, forKey: .found_direct_accuracy)
            try c.encode(found_path_accuracy, forKey: .found_path_accuracy)
        }
    }

    struct Row: Encodable {
        var detector: String
        var exposure: String
        var tally: Tally
    }

    struct Report: Encodable {
        var data: String
        var backgrounds: String
        var classifier: String
        var crop: String
        /// Test-time augmentation of the classifier, on both sides (direct and whole path).
        var tta: String
        var seed: UInt64
        var rows: [Row]
    }

    func run() throws {
        let locator = try recognition.locator()
        let directory = try data ?? SharedData.path("data/fer2013/val", locator: locator)
        let backgroundFolder = backgrounds ?? SharedData.photosOrFixtures(locator: locator)
        let labels = try recognition.makeClassifier(locator).labels
        let dataset = try LabelledDataset.scan(directory: directory, labels: labels)
        let strided = Swift.stride(from: 0, to: dataset.samples.count, by: every).map { dataset.samples[$0] }
        let samples = limit.map { Array(strided.prefix($0)) } ?? strided
        guard !samples.isEmpty else { throw ValidationError("\(directory): no images") }
        let frames = try loadBackgrounds(backgroundFolder)
        let kinds = detectorKinds.compactMap(\.1)
        let tallies = Mutex([String: Tally]())
        let failure = Mutex<Error?>(nil)
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, samples.count)
        let progress = ProgressBar(total: samples.count, label: "pipeline")
        let recognition = self.recognition, seed = self.seed, crop = self.crop, context = self.context
        let examples = self.examples, examplesDir = self.examplesDir
        if examples > 0 { try FileManager.default.createDirectory(atPath: examplesDir, withIntermediateDirectories: true) }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            do {
                let classifier = try recognition.makeClassifier(locator)
                let liveWidth = AnalyzerConfiguration.automaticDetectionWidth(frameWidth: 640)
                let detectors = try kinds.map { ($0, try recognition.makeDetector(locator, kind: $0, yunetWidth: liveWidth)) }
                var local: [String: Tally] = [:]
                for index in Swift.stride(from: worker, to: samples.count, by: workers) {
                    let sample = samples[index]
                    let face = try ImageCodec.decode(fileAt: sample.path, as: .gray8)
                    let direct = try classifier.classify(face: face).topIndex == sample.label
                    var rng = SplitMix64(seed: seed &* 0x9E37_79B9 &+ UInt64(index))
                    let scene = Self.scene(&rng, frameWidth: 640, frameHeight: 480, context: context)
                    let frame = try scene.render(face: face, on: frames[index % frames.count], seed: rng.next())
                    let input = classifier.cropFormat == .gray8 ? frame.converted(to: .gray8) : frame
                    for (kind, detector) in detectors {
                        var tally = Tally(faces: 1, direct_correct: direct ? 1 : 0)
                        let faces = try detector.detect(in: frame)
                        let hit = faces.nearest(to: scene.center, within: scene.side * 0.35)
                        if let hit {
                            tally.found = 1
                            tally.found_direct_correct = direct ? 1 : 0
                            let image = try Self.crop(input, hit, style: crop, classifier: classifier,
                                                      prior: detector.landmarkPrior)
                            if try classifier.classify(face: image).topIndex == sample.label { tally.path_correct = 1 }
                            if index < examples {
                                try JPEGEncoder.write(image.resized(width: 144, height: 144),
                                                      to: "\(examplesDir)/\(index)-\(kind.rawValue)-crop.jpg")
                            }
                        }
                        if index < examples {
                            var marked = frame
                            for f in faces { marked.drawRectangle(f.box, color: RGB(r: 255, g: 255, b: 0)) }
                            try JPEGEncoder.write(marked, to: "\(examplesDir)/\(index)-\(kind.rawValue)-frame.jpg")
                        }
                        local["\(kind.rawValue)/\(scene.exposure.rawValue)", default: Tally()].add(tally)
                    }
                    progress.advance(by: 1)
                }
                tallies.withLock { all in for (k, v) in local { all[k, default: Tally()].add(v) } }
            } catch {
                failure.withLock { $0 = error }
            }
        }
        progress.finish()
        if let error = failure.withLock({ $0 }) { throw error }
        let all = tallies.withLock { $0 }
        var rows: [Row] = []
        for kind in kinds {
            var total = Tally()
            for exposure in FaceScene.Exposure.allCases {
                let t = all["\(kind.rawValue)/\(exposure.rawValue)"] ?? Tally()
                total.add(t)
                rows.append(Row(detector: kind.rawValue, exposure: exposure.rawValue, tally: t))
            }
            rows.append(Row(detector: kind.rawValue, exposure: "all", tally: total))
        }
        let report = Report(data: directory, backgrounds: backgroundFolder,
                            classifier: locator.classifier(named: recognition.classifier).lastPathComponent,
                            crop: crop.rawValue, tta: recognition.testTimeAugmentation().rawValue, seed: seed, rows: rows)
        if json {
            try JSONOutput.print(report)
            return
        }
        print("fer-live bench pipeline — \(report.classifier), crop \(crop.rawValue), tta \(report.tta), \(samples.count) faces of \(directory) in 640x480 frames (seed \(seed))\n")
        print("| detector | frames | faces | found | found: direct | found: whole path | crop gap (points) | all: direct | all: whole path (misses wrong) |")
        print("|---|---|---|---|---|---|---|---|---|")
        for row in rows {
            let t = row.tally
            print(String(format: "| %@ | %@ | %d | %.1f %% | %.2f %% | %.2f %% | %.2f | %.2f %% | %.2f %% |", row.detector,
                         row.exposure, t.faces, 100 * Double(t.found) / Double(max(t.faces, 1)),
                         100 * t.found_direct_accuracy, 100 * t.found_path_accuracy,
                         100 * (t.found_direct_accuracy - t.found_path_accuracy), 100 * t.direct_accuracy,
                         100 * t.path_accuracy))
        }
        print("\nfound: the faces the detector found (the nearest detection's centre within 0.35 of the face's side); "
              + "crop gap: direct minus whole path on those same faces.")
    }

    /// The placement of face `index`: side 64-224 log-uniform, ±15°, inside the frame; 70 % normal, 15 % dark, 15 % blurred.
    static func scene(_ rng: inout SplitMix64, frameWidth: Int, frameHeight: Int, context: Float) -> FaceScene {
        let side = 64 * Float(exp(Double(rng.nextUnit()) * log(224.0 / 64.0)))
        let angle = (rng.nextUnit() * 2 - 1) * 15 * Float.pi / 180
        let margin = min(side * 0.75 * (1 + 2 * context), Float(min(frameWidth, frameHeight)) / 2)
        let x = margin + rng.nextUnit() * (Float(frameWidth) - 2 * margin)
        let y = margin + rng.nextUnit() * (Float(frameHeight) - 2 * margin)
        let u = rng.nextUnit()
        let exposure: FaceScene.Exposure = u < 0.7 ? .normal : (u < 0.85 ? .dark : .blurred)
        return FaceScene(side: side, center: Point(x: x, y: y), angle: angle, exposure: exposure, context: context)
    }

    /// The classifier's input for a detection, cropped in `style`.
    static func crop(_ image: Image, _ face: DetectedFace, style: CropStyle, classifier: EmotionClassifier,
                     prior: LandmarkPrior) throws -> Image {
        let (w, h) = classifier.inputSize
        switch style {
        case .manifest:
            return try classifier.crop(image, box: face.box, landmarks: face.landmarks(orPrior: prior).points)
        case .stretched:
            return try image.faceCrop(box: face.box, leftEye: face.landmarks?.leftEye, rightEye: face.landmarks?.rightEye,
                                      margin: classifier.manifest.faceMargin, outputWidth: w, outputHeight: h)
        case .square:
            let side = max(face.box.width, face.box.height)
            let c = face.box.center
            return try image.faceCrop(box: Rect(x: c.x - side / 2, y: c.y - side / 2, width: side, height: side),
                                      outputWidth: w, outputHeight: h)
        }
    }

    /// Every photo of the folder as a 640x480 RGB frame (stretched), in name order.
    private func loadBackgrounds(_ folder: String) throws -> [Image] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
            LabelledDataset.imageExtensions.contains(($0 as NSString).pathExtension.lowercased())
        }.sorted()
        let images = try names.map {
            try ImageCodec.decode(fileAt: (folder as NSString).appendingPathComponent($0), as: .rgb8).resized(width: 640, height: 480)
        }
        guard !images.isEmpty else { throw ValidationError("\(folder): no background photos") }
        return images
    }
}
