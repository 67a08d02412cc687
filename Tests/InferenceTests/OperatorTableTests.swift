import Foundation
import Inference
import TestSupport
import XCTest

/// The operator table: each operator registered once, each one usable, and dispatch errors unchanged.
final class OperatorTableTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try TestPaths.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// The operators the engine implemented before the table existed: those that run, and those that only fold.
    private static let runnable: Set<String> = [
        "Conv", "Gemm", "MatMul", "BatchNormalization",
        "Relu", "PRelu", "LeakyRelu", "Sigmoid", "Tanh", "Exp", "Clip", "Add", "Sub", "Mul", "Div",
        "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Softmax",
        "Concat", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Slice", "Resize",
        "Upsample", "Identity", "Dropout", "Cast",
    ]
    private static let foldOnly: Set<String> = ["Shape", "Gather", "Constant", "ConstantOfShape", "Range", "Floor", "Ceil"]

    func testEveryOperatorIsRegisteredOnce() {
        let names = OperatorSet.registrations.map(\.name)
        let repeated = Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        XCTAssertEqual(repeated, [], "registered more than once")
        XCTAssertEqual(OperatorSet.supported, Set(names))
        XCTAssertTrue(Self.runnable.union(Self.foldOnly).isSubset(of: OperatorSet.supported))
    }

    func testEveryOperatorFoldsOrRuns() {
        for registration in OperatorSet.registrations {
            XCTAssertTrue(registration.folds || registration.runs, "\(registration.name) can neither fold nor run")
        }
        let runs = Set(OperatorSet.registrations.filter(\.runs).map(\.name))
        XCTAssertTrue(Self.runnable.isSubset(of: runs))
        XCTAssertTrue(Self.foldOnly.isDisjoint(with: runs))
    }

    private func message(_ builder: ModelBuilder, _ file: String) -> String {
        do {
            let url = dir.appendingPathComponent(file)
            try builder.write(to: url)
            _ = try InferenceSession(model: ONNXModel(contentsOf: url.path))
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testUnknownOperatorOrDomain() {
        var b = ModelBuilder()
        b.input("x", [1, 4])
        b.node("Erf", ["x"], ["y"])
        b.output("y")
        XCTAssertEqual(message(b, "erf.onnx"), "erf.onnx: unsupported operator Erf in node 'Erf_0'")
        b.graph.node[0].opType = "Relu"
        b.graph.node[0].domain = "com.microsoft"
        XCTAssertEqual(message(b, "domain.onnx"), "domain.onnx: unsupported operator com.microsoft.Relu in node 'Erf_0'")
    }

    func testFoldOnlyOperatorOnARuntimeTensor() {
        var b = ModelBuilder()
        b.input("x", [1, 4])
        b.node("Floor", ["x"], ["y"])
        b.output("y")
        XCTAssertEqual(message(b, "floor.onnx"), "floor.onnx: shapes do not resolve at node 'Floor_0' (Floor): "
                       + "Floor on a tensor computed at run time is not supported (only shape arithmetic)")
    }

    func testRuntimeOperatorOnConstantsOnly() {
        var b = ModelBuilder()
        b.input("x", [1, 4])
        b.weight("w", [1, 4], [-1, 0, 1, 2])
        b.node("Relu", ["w"], ["r"])
        b.node("Add", ["x", "r"], ["y"])
        b.output("y")
        XCTAssertEqual(message(b, "relu.onnx"),
                       "relu.onnx: shapes do not resolve at node 'Relu_0' (Relu): Relu with only constant inputs cannot be folded")
    }

    func testShapeFoldsFromARuntimeInput() throws {
        var b = ModelBuilder()
        b.input("x", [2, 3, 5])
        b.node("Shape", ["x"], ["s"])
        b.node("Cast", ["s"], ["y"], [ModelBuilder.int("to", 1)])
        b.output("y")
        let url = dir.appendingPathComponent("shape.onnx")
        try b.write(to: url)
        let session = try InferenceSession(model: ONNXModel(contentsOf: url.path))
        let outputs = try session.run(["x": [Float](repeating: 0, count: 30)])
        XCTAssertEqual(outputs["y"], [2, 3, 5])
    }
}
