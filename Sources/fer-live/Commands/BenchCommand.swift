import ArgumentParser
import FaceAnalysis
import Foundation
import Inference

/// `fer-live bench`: latency of the shipped models on one thread, as the README reports it.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
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

    /// One timed case.
    struct Result: Encodable {
        let model: String
        let input: String
        let runs: Int
        let median_ms: Double
        let p90_ms: Double
        let macs: Int
        let gmacs_per_second: Double
    }

    struct Report: Encodable {
        let results: [Result]
    }

    func run() throws {
        let locator = try ModelLocator(explicit: models)
        let classifierURL = locator.classifier(named: classifier)
        let cases: [(name: String, url: URL, shape: [Int], range: ClosedRange<Float>, runs: Int)] = [
            (name(classifierURL), classifierURL, try classifierShape(classifierURL), -1...1, runs),
            ("yunet_s", locator.detector, [1, 3, 256, 320], 0...255, max(runs / 2, 1)),
            ("yunet_s", locator.detector, [1, 3, 480, 640], 0...255, max(runs / 4, 1)),
        ]
        var results: [Result] = []
        for (index, c) in cases.enumerated() {
            let model = try ONNXModel(contentsOf: c.url.path)
            let session = try InferenceSession(model: model, inputShapes: [model.inputs[0].name: c.shape])
            var generator = SeededGenerator(seed: UInt64(index + 1))
            let input = session.firstInput
            for i in input.indices { input[i] = Float.random(in: c.range, using: &generator) }
            let samples = Stopwatch.measure(runs: c.runs, warmup: 10) { session.run() }
            let result = Result(
                model: c.name, input: c.shape.map(String.init).joined(separator: "x"), runs: c.runs,
                median_ms: samples.median, p90_ms: samples.p90, macs: session.macs,
                gmacs_per_second: Double(session.macs) / (samples.median * 1e6))
            results.append(result)
            if profile && !json { printProfile(session, label: "\(result.model) \(result.input)") }
        }
        if json {
            try JSONOutput.print(Report(results: results))
            return
        }
        print("model          input           runs  median ms  p90 ms   MMACs  GMAC/s")
        for r in results {
            print(String(format: "%-14@ %-14@ %5d %10.3f %7.3f %7.1f %7.1f",
                         r.model as NSString, r.input as NSString, r.runs, r.median_ms, r.p90_ms,
                         Double(r.macs) / 1e6, r.gmacs_per_second))
        }
        print("one thread (OpenBLAS single-threaded); compare with ONNX Runtime: Models/tools/ort_bench.py --fer-live \(CommandLine.arguments[0])")
    }

    private func name(_ url: URL) -> String { url.deletingPathExtension().lastPathComponent }

    private func classifierShape(_ url: URL) throws -> [Int] {
        let model = try ONNXModel(contentsOf: url.path)
        let dims = model.inputs[0].dims
        // Symbolic batch → 1; other symbolic dims are not expected for a classifier.
        return dims.enumerated().map { $0.element ?? ($0.offset == 0 ? 1 : 64) }
    }

    private func printProfile(_ session: InferenceSession, label: String) {
        let timings = session.profile(runs: 50)
        let total = timings.reduce(0) { $0 + $1.milliseconds }
        print("\n\(label): \(String(format: "%.3f", total)) ms in \(timings.count) kernels")
        var byOp: [String: (Double, Int)] = [:]
        for t in timings { byOp[t.op, default: (0, 0)].0 += t.milliseconds; byOp[t.op, default: (0, 0)].1 += t.macs }
        for (op, (ms, macs)) in byOp.sorted(by: { $0.value.0 > $1.value.0 }) {
            print(String(format: "  %-18@ %8.3f ms %5.1f%%  %8.2f MMACs", op as NSString, ms, 100 * ms / total, Double(macs) / 1e6))
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
