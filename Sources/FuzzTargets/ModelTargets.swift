import Classification
import Detection
import Foundation
import Inference

extension FuzzTarget {
    /// A model file a user brings: the ONNX loader (protobuf), the planner (shapes, folding, kernels), one run.
    ///
    /// Symbolic input dimensions become 1 (batch) and 12 (the rest); the kernels are the fixed column products
    /// (no load-time timing, so runs are repeatable).
    static let onnx = FuzzTarget(
        name: "onnx", summary: "ONNX model bytes: protobuf loader, graph planner, one inference run",
        maximumLength: 64 << 10
    ) { bytes in
        guard let model = try? ONNXModel(bytes: Data(bytes), path: "fuzz.onnx") else { return false }
        var shapes: [String: [Int]] = [:]
        for input in model.inputs {
            shapes[input.name] = input.dims.enumerated().map { index, dim in dim ?? (index == 0 ? 1 : 12) }
        }
        // No timing (the columns orientation, the blocked layout wherever the planner puts it): every input plans
        // and runs once, and the blocked planner is fuzzed too.
        let options = InferenceOptions(productOrientation: .columns, layout: .blocked)
        guard let session = try? InferenceSession(model: model, inputShapes: shapes, options: options) else { return false }
        session.run()
        return true
    }

    /// An OpenCV Haar cascade XML file through fer-live's reader, then one detection on a small grey image.
    static let haar = FuzzTarget(
        name: "haar", summary: "OpenCV Haar cascade XML: the XML reader, cascade checks, one detection",
        maximumLength: 8 << 10
    ) { bytes in
        guard let cascade = try? HaarCascade(xml: Array(bytes), file: "fuzz.xml"),
              let detector = try? HaarDetector(cascade: cascade) else { return false }
        return (try? detector.detect(in: FuzzImages.grey48)) != nil
    }

    /// A classifier manifest (JSON beside a user's ONNX model): decoding and validation.
    static let manifest = FuzzTarget(
        name: "manifest", summary: "classifier manifest JSON: decoding and validation",
        maximumLength: 4 << 10
    ) { bytes in
        (try? ClassifierManifest.decode(Data(bytes), file: "fuzz.json")) != nil
    }
}
