import ArgumentParser
import Foundation
import Inference

/// `fer-live model`: look inside ONNX models.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect ONNX models.",
        subcommands: [Inspect.self])

    /// `fer-live model inspect MODEL.onnx`.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inspect",
            abstract: "Inputs, outputs, operators, parameters, MACs, and whether fer-live's engine runs the model.")

        @Argument(help: "The ONNX file.")
        var model: String

        @Option(name: .customLong("shape"),
                help: "Input shape for MACs and shape checks, NAME=1x3x256x320 or just 1x3x256x320 for the first input (repeatable).")
        var shapes: [String] = []

        @Flag(help: "Print JSON.")
        var json = false

        struct Report: Encodable {
            struct Operator: Encodable {
                let op: String
                let count: Int
                let supported: Bool
            }
            let file: String
            let producer: String
            let opset: Int
            let inputs: [String]
            let outputs: [String]
            let operators: [Operator]
            let parameters: Int
            let supported: Bool
            let unsupported: [String]
            let shapes: [String: [Int]]?
            let output_shapes: [String: [Int]]?
            let macs: Int?
            let workspace_bytes: Int?
            let problem: String?
        }

        func run() throws {
            let onnx = try ONNXModel(contentsOf: model)
            let given = try parseShapes(onnx)
            var macs: Int?
            var workspace: Int?
            var outputShapes: [String: [Int]]?
            var problem: String?
            let needsShape = onnx.inputs.contains { info in info.dims.contains { $0 == nil } } && given.isEmpty
            if onnx.unsupportedOperators.isEmpty && !needsShape {
                do {
                    let session = try InferenceSession(model: onnx, inputShapes: given)
                    macs = session.macs
                    workspace = session.workspaceBytes
                    outputShapes = Dictionary(uniqueKeysWithValues: session.outputs.map { ($0.name, $0.shape) })
                } catch {
                    problem = "\(error)"
                }
            } else if needsShape {
                problem = "the inputs have symbolic dimensions: give --shape to compute MACs"
            }
            let report = Report(
                file: model, producer: onnx.producer, opset: onnx.opsetVersion,
                inputs: onnx.inputs.map(\.description), outputs: onnx.outputs.map(\.description),
                operators: onnx.operatorCounts.map {
                    .init(op: $0.op, count: $0.count, supported: !onnx.unsupportedOperators.contains($0.op))
                },
                parameters: onnx.parameterCount, supported: onnx.unsupportedOperators.isEmpty,
                unsupported: onnx.unsupportedOperators, shapes: given.isEmpty ? nil : given,
                output_shapes: outputShapes, macs: macs, workspace_bytes: workspace, problem: problem)
            if json {
                try JSONOutput.print(report)
                if !report.supported || (problem != nil && !given.isEmpty) { throw ExitCode(1) }
                return
            }
            print("model:      \(model)")
            print("producer:   \(report.producer.isEmpty ? "-" : report.producer), opset \(report.opset)")
            print("inputs:     \(report.inputs.joined(separator: "; "))")
            print("outputs:    \(report.outputs.joined(separator: "; "))")
            print("operators:  " + report.operators.map { "\($0.op) ×\($0.count)\($0.supported ? "" : " (unsupported)")" }
                .joined(separator: ", "))
            print("parameters: \(report.parameters)")
            if let macs {
                let shapeText = given.map { "\($0.key)=\($0.value.map(String.init).joined(separator: "x"))" }.sorted()
                print(String(format: "MACs:       %.2f M%@", Double(macs) / 1e6,
                             shapeText.isEmpty ? "" : " for \(shapeText.joined(separator: ", "))"))
                if let outputShapes {
                    print("shapes out: " + outputShapes.sorted { $0.key < $1.key }
                        .map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                }
            }
            if let problem { print("note:       \(problem)") }
            print("supported:  " + (report.supported
                ? "yes, fer-live's engine implements every operator"
                : "no — unsupported operators: \(report.unsupported.joined(separator: ", "))"))
            // A model the engine cannot run, or shapes that do not resolve, is a failure for scripts.
            if !report.supported || (problem != nil && !given.isEmpty) { throw ExitCode(1) }
        }

        private func parseShapes(_ onnx: ONNXModel) throws -> [String: [Int]] {
            var result: [String: [Int]] = [:]
            for spec in shapes {
                let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
                let name = parts.count == 2 ? parts[0] : onnx.inputs[0].name
                let dims = (parts.count == 2 ? parts[1] : parts[0]).lowercased().split(separator: "x").map { Int($0) }
                guard !dims.isEmpty, dims.allSatisfy({ ($0 ?? 0) > 0 }) else {
                    throw ValidationError("--shape \(spec): expected NAME=D0xD1x... with positive sizes")
                }
                result[name] = dims.map { $0! }
            }
            return result
        }
    }
}
