import ArgumentParser
import Classification
import Detection
import FaceAnalysis
import Foundation
import Imaging
import Inference

/// `fer-live bench`: the benchmarks the README reports.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: model latency (default), tracking quality, and the face detectors side by side.",
        subcommands: [BenchModelsCommand.self, BenchTrackingCommand.self, BenchDetectorsCommand.self, BenchFramingCommand.self,
                      BenchPipelineCommand.self, BenchPhotosCommand.self],
        defaultSubcommand: BenchModelsCommand.self)
}

/// `fer-live bench [models]`: latency of the shipped models on one thread, as the README reports it.
struct BenchModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Time the detector and the classifier on one core (median and p90 per run).")

    @Option(help: "Folder of the models (default: found automatically).")
    var models: String?

    @Option(help: "Classifier by name or path.")
    var classifier: String = ModelLocator.defaultClassifier

    @Option(help: "Timed runs per case (detector cases use half).")
    var runs: Int = 200

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    @Flag(help: "Also print the time of every operator of each model.")
    var profile = false

    @Flag(help: "Time only the models, not the per-frame stages (for quick interleaved comparisons).")
    var modelsOnly = false

    @Option(help: "Time this ONNX model instead of the shipped ones (with --shape), e.g. a ResNet50 you bring.")
    var model: String?

    @Option(help: "The input shape for --model, e.g. 1x3x224x224.")
    var shape: String?

    @Option(help: "Threads that share one run of a large convolution (default 1).")
    var threads: Int = 1

    /// One timed case.
    struct Result: Encodable {
        let model: String
        let input: String
        let runs: Int
        let median_ms: Double
        let p90_ms: Double
        let macs: Int
        let gmacs_per_second: Double
        let isa: String
        let threads: Int
        /// "blocked" when some convolutions ran in the blocked layout (NCHWc), else "planar".
        let layout: String
    }

    /// One timed stage of the whole per-frame path (detection with its pre- and post-processing, a face).
    struct Stage: Encodable {
        let stage: String
        let input: String
        let median_ms: Double
        let p90_ms: Double
    }

    struct Report: Encodable {
        let results: [Result]
        let stages: [Stage]
    }

    @Option(help: "Photo for the stage timings (default: the repository's two_people.jpg, else a synthetic frame).")
    var photo: String?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads \(threads): must be at least 1") }
        guard (model == nil) == (shape == nil) else { throw ValidationError("--model and --shape go together") }
    }

    func run() throws {
        let locator = try ModelLocator(explicit: models)
        let classifierURL = locator.classifier(named: classifier)
        var cases: [(name: String, url: URL, shape: [Int], range: ClosedRange<Float>, runs: Int)] = [
            (name(classifierURL), classifierURL, try classifierShape(classifierURL), -1...1, runs),
            ("yunet_s", locator.detector, [1, 3, 256, 320], 0...255, max(runs / 2, 1)),
            ("yunet_s", locator.detector, [1, 3, 480, 640], 0...255, max(runs / 4, 1)),
        ]
        if let model, let shape {
            let dims = shape.split(separator: "x").compactMap { Int($0) }
            guard dims.count == shape.split(separator: "x").count, !dims.isEmpty, dims.allSatisfy({ $0 > 0 }) else {
                throw ValidationError("--shape \(shape): expected positive sizes like 1x3x224x224")
            }
            let url = URL(fileURLWithPath: model)
            cases = [(name(url), url, dims, 0...1, runs)]
        }
        let timeStages = !modelsOnly && model == nil
        var results: [Result] = []
        for (index, c) in cases.enumerated() {
            let model = try ONNXModel(contentsOf: c.url.path)
            let session = try InferenceSession(model: model, inputShapes: [model.inputs[0].name: c.shape],
                                               options: InferenceOptions(threads: threads))
            var generator = SeededGenerator(seed: UInt64(index + 1))
            let input = session.firstInput
            for i in input.indices { input[i] = Float.random(in: c.range, using: &generator) }
            let samples = Stopwatch.measure(runs: c.runs, warmup: 10) { session.run() }
            let result = Result(
                model: c.name, input: c.shape.map(String.init).joined(separator: "x"), runs: c.runs,
                median_ms: samples.median, p90_ms: samples.p90, macs: session.macs,
                gmacs_per_second: Double(session.macs) / (samples.median * 1e6),
                isa: session.instructionSet.rawValue, threads: session.threads,
                layout: session.layout == .blocked ? "blocked" : "planar")
            results.append(result)
            if profile && !json { printProfile(session, label: "\(result.model) \(result.input)") }
        }
        let stages = !timeStages ? [] : try stageTimings(locator: locator, classifierURL: classifierURL)
        if json {
            try JSONOutput.print(Report(results: results, stages: stages))
            return
        }
        print("model          input           runs  median ms  p90 ms   MMACs  GMAC/s  layout")
        for r in results {
            print(r.model.padded(14) + " " + r.input.padded(14)
                + String(format: " %5d %10.3f %7.3f %7.1f %7.1f  ", r.runs, r.median_ms, r.p90_ms,
                         Double(r.macs) / 1e6, r.gmacs_per_second) + r.layout)
        }
        if !stages.isEmpty { print("\nstage                          input            median ms  p90 ms") }
        for st in stages {
            print(st.stage.padded(30) + " " + st.input.padded(16) + String(format: " %9.3f %7.3f", st.median_ms, st.p90_ms))
        }
        let isa = results.first?.isa ?? InstructionSet.best.rawValue
        print("\(threads == 1 ? "one thread" : "\(threads) threads") on \(isa) kernels (OpenBLAS single-threaded); "
            + "compare with ONNX Runtime: Models/tools/ort_bench.py --fer-live \(CommandLine.arguments[0])")
    }

    /// How the per-frame cost grows with pixels (detector width) and with faces (crop + classify each).
    private func stageTimings(locator: ModelLocator, classifierURL: URL) throws -> [Stage] {
        let frame = try benchFrame(locator: locator)
        let runs = max(runs / 4, 5)
        var stages: [Stage] = []
        let frameText = "\(frame.width)x\(frame.height)"
        let jpeg = try JPEGEncoder.encode(frame, quality: 85)
        var t = Stopwatch.measure(runs: runs, warmup: 3) { _ = try? ImageCodec.decode(data: jpeg, as: .rgb8) }
        stages.append(Stage(stage: "decode JPEG q85 to RGB", input: frameText, median_ms: t.median, p90_ms: t.p90))
        var faces: [DetectedFace] = []
        for width in [160, 320, 640] {
            var options = YuNetDetector.Options()
            options.inputWidth = width
            let detector = try YuNetDetector(modelURL: locator.detector, options: options)
            let size = detector.inputSize(for: frame)
            t = try Stopwatch.measure(runs: runs, warmup: 3) { faces = try detector.detect(in: frame) }
            stages.append(Stage(stage: "detect (resize+net+decode+NMS)", input: "\(size.width)x\(size.height)",
                                median_ms: t.median, p90_ms: t.p90))
        }
        let classifier = try EmotionClassifier(modelURL: classifierURL)
        let face = faces.first ?? DetectedFace(box: Rect(x: Float(frame.width) / 3, y: Float(frame.height) / 4,
                                                         width: Float(frame.width) / 4, height: Float(frame.height) / 3),
                                               score: 1)
        let size = "\(classifier.inputSize.width)x\(classifier.inputSize.height)"
        t = try Stopwatch.measure(runs: runs * 4, warmup: 5) {
            _ = try classifier.crop(frame, box: face.box, landmarks: face.landmarks(orPrior: LandmarkPrior.yunet).points)
        }
        stages.append(Stage(stage: "face crop (aligned on landmarks)", input: size, median_ms: t.median, p90_ms: t.p90))
        let crop = try classifier.crop(frame, box: face.box)
        t = try Stopwatch.measure(runs: runs * 4, warmup: 5) { _ = try classifier.classify(face: crop) }
        stages.append(Stage(stage: "classify one face", input: size, median_ms: t.median, p90_ms: t.p90))
        return stages
    }

    /// A 640x480 frame: the bench photo resized, or a synthetic gradient when none is available.
    private func benchFrame(locator: ModelLocator) throws -> Image {
        let fixture = locator.directory.deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/two_people.jpg").path
        let path = photo ?? (FileManager.default.fileExists(atPath: fixture) ? fixture : nil)
        if let path {
            return try ImageCodec.decode(fileAt: path, as: .rgb8).resized(width: 640, height: 480)
        }
        let pixels = (0..<(640 * 480 * 3)).map { UInt8(truncatingIfNeeded: ($0 / 3 % 640) ^ ($0 / 1920)) }
        return try Image(width: 640, height: 480, format: .rgb8, pixels: pixels)
    }

    private func name(_ url: URL) -> String { url.deletingPathExtension().lastPathComponent }

    /// The shape the classifier runs at: one face of the size and channels its manifest gives.
    private func classifierShape(_ url: URL) throws -> [Int] {
        let input = try ClassifierManifest.load(forModelAt: url.path).input
        return [1, input.channels, input.height, input.width]
    }

    private func printProfile(_ session: InferenceSession, label: String) {
        let timings = session.profile(runs: 50)
        let total = timings.reduce(0) { $0 + $1.milliseconds }
        print("\n\(label): \(String(format: "%.3f", total)) ms in \(timings.count) kernels")
        var byOp: [String: (Double, Int)] = [:]
        for t in timings { byOp[t.op, default: (0, 0)].0 += t.milliseconds; byOp[t.op, default: (0, 0)].1 += t.macs }
        for (op, (ms, macs)) in byOp.sorted(by: { $0.value.0 > $1.value.0 }) {
            print("  " + op.padded(18) + String(format: " %8.3f ms %5.1f%%  %8.2f MMACs", ms, 100 * ms / total, Double(macs) / 1e6))
        }
        print("  slowest nodes:")
        for t in timings.sorted(by: { $0.milliseconds > $1.milliseconds }).prefix(12) {
            print("    " + t.node.padded(26) + t.op.padded(16)
                + String(format: " %7.3f ms %7.2f MMACs %6.1f GMAC/s", t.milliseconds, Double(t.macs) / 1e6,
                         t.milliseconds > 0 ? Double(t.macs) / (t.milliseconds * 1e6) : 0))
        }
        print("")
    }
}

/// A small deterministic random generator (SplitMix64) so benchmark inputs repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension String {
    /// The string left-aligned in a column of `width` characters.
    func padded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
