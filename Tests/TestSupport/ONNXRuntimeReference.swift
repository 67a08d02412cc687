import Foundation

/// Runs a model under ONNX Runtime (PyPI `onnxruntime`) through `Models/tools/ort_run.py`.
///
/// The reference outputs the engine is held to come from here, at test time.
public enum ONNXRuntimeReference {
    /// One tensor: its shape and row-major values.
    public struct Tensor: Sendable {
        public let shape: [Int]
        public let values: [Float]
        public init(shape: [Int], values: [Float]) {
            self.shape = shape
            self.values = values
        }
    }

    /// The project's Python (the test command's virtual environment), or `python3`.
    public static var python: String {
        let venv = TestPaths.repository.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/env"
    }

    /// Runs a Python script (and its arguments) with the project's Python.
    public static func runPython(_ arguments: [String]) throws -> Subprocess.Result {
        let venv = python != "/usr/bin/env"
        return try Subprocess.run(python, (venv ? [] : ["python3"]) + arguments)
    }

    /// Runs `model` on `inputs` and returns every output by name.
    public static func run(model: URL, inputs: [String: Tensor]) throws -> [String: Tensor] {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var arguments = [TestPaths.repository.appendingPathComponent("Models/tools/ort_run.py").path, model.path]
        for (name, tensor) in inputs.sorted(by: { $0.key < $1.key }) {
            let file = dir.appendingPathComponent("\(name).in.f32")
            try tensor.values.withUnsafeBytes { try Data($0).write(to: file) }
            arguments += ["--input", "\(name)=\(file.path):\(tensor.shape.map(String.init).joined(separator: "x"))"]
        }
        let outDir = dir.appendingPathComponent("out")
        arguments += ["--out", outDir.path]
        let result = try runPython(arguments)
        guard result.status == 0 else {
            throw ReferenceError("ONNX Runtime reference failed (is onnxruntime installed? run the README's test command): \(result.stderr)")
        }
        let shapesData = try Data(contentsOf: outDir.appendingPathComponent("shapes.json"))
        let shapes = try JSONDecoder().decode([String: [Int]].self, from: shapesData)
        var outputs: [String: Tensor] = [:]
        for (name, shape) in shapes {
            let file = outDir.appendingPathComponent(name.replacingOccurrences(of: "/", with: "_") + ".f32")
            let data = try Data(contentsOf: file)
            let values = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            outputs[name] = Tensor(shape: shape, values: values)
        }
        return outputs
    }

    /// Largest absolute difference between two equally long arrays.
    public static func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "lengths differ: \(a.count) vs \(b.count)")
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }
}

/// A failure of the test tooling itself.
public struct ReferenceError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
