import Foundation
import Inference
import TestSupport
import XCTest

/// Every way a model file or an input can be wrong gives a one-line error naming the problem.
final class ModelErrorTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try TestPaths.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    private var yunet: URL { TestPaths.models.appendingPathComponent("detection/yunet_s.onnx") }

    func testMissingFileAndDirectory() {
        let missing = dir.appendingPathComponent("nope.onnx").path
        XCTAssertEqual(message { _ = try ONNXModel(contentsOf: missing) }, "\(missing): cannot read model: no such file")
        let m = message { _ = try ONNXModel(contentsOf: dir.path) }
        XCTAssertTrue(m.hasPrefix("\(dir.path): cannot read model"), m)
    }

    func testEmptyGarbageAndNonONNXFiles() throws {
        let empty = dir.appendingPathComponent("empty.onnx")
        try Data().write(to: empty)
        XCTAssertEqual(message { _ = try ONNXModel(contentsOf: empty.path) }, "\(empty.path): not an ONNX model (the file is empty)")

        let garbage = dir.appendingPathComponent("garbage.onnx")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) }).write(to: garbage)
        XCTAssertTrue(message { _ = try ONNXModel(contentsOf: garbage.path) }.hasPrefix("\(garbage.path): not an ONNX model"))

        // A JPEG renamed to .onnx.
        let jpeg = dir.appendingPathComponent("photo.onnx")
        try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("kit_with_rose.jpg")).write(to: jpeg)
        XCTAssertTrue(message { _ = try ONNXModel(contentsOf: jpeg.path) }.hasPrefix("\(jpeg.path): not an ONNX model"))
    }

    func testTruncatedModel() throws {
        let bytes = try Data(contentsOf: yunet)
        for cut in [bytes.count / 2, bytes.count - 3, 100] {
            let truncated = dir.appendingPathComponent("truncated-\(cut).onnx")
            try bytes.prefix(cut).write(to: truncated)
            let m = message { _ = try ONNXModel(contentsOf: truncated.path) }
            XCTAssertTrue(m.hasPrefix("\(truncated.path): not an ONNX model"), "cut at \(cut): \(m)")
        }
    }

    func testUnsupportedOperatorNamesOpNodeAndModel() throws {
        var b = ModelBuilder()
        b.input("x", [1, 4])
        b.node("Relu", ["x"], ["r"])
        b.node("Erf", ["r"], ["y"])
        b.output("y")
        let url = dir.appendingPathComponent("erf.onnx")
        try b.write(to: url)
        let model = try ONNXModel(contentsOf: url.path)
        XCTAssertEqual(model.unsupportedOperators, ["Erf"])
        XCTAssertEqual(message { _ = try InferenceSession(model: model) },
                       "erf.onnx: unsupported operator Erf in node 'Erf_1'")
    }

    func testWrongInputRankShapeAndName() throws {
        let model = try ONNXModel(contentsOf: yunet.path)
        XCTAssertEqual(message { _ = try InferenceSession(model: model, inputShapes: ["input": [1, 3, 256]]) },
                       "yunet_s.onnx: bad input: input 'input' expects rank 4 input [batch, 3, height, width], got 3 [1, 3, 256]")
        XCTAssertEqual(message { _ = try InferenceSession(model: model, inputShapes: ["input": [1, 1, 256, 320]]) },
                       "yunet_s.onnx: bad input: input 'input' dimension 1 must be 3 input [batch, 3, height, width], got 1")
        XCTAssertEqual(message { _ = try InferenceSession(model: model, inputShapes: ["image": [1, 3, 256, 320]]) },
                       "yunet_s.onnx: bad input: the model has no input 'image' (inputs: input)")
        XCTAssertEqual(message { _ = try InferenceSession(model: model) },
                       "yunet_s.onnx: bad input: input 'input' has symbolic dimensions input [batch, 3, height, width]: give a shape")
        let session = try InferenceSession(model: model, inputShapes: ["input": [1, 3, 64, 64]])
        XCTAssertEqual(message { _ = try session.run(["input": [0, 1, 2]]) },
                       "yunet_s.onnx: bad input: input 'input' needs 12288 values for [1, 3, 64, 64], got 3")
    }

    func testShapesThatDoNotResolve() throws {
        // YuNet needs multiples of 32: at height 240 its feature pyramid cannot be added up.
        let model = try ONNXModel(contentsOf: yunet.path)
        let m = message { _ = try InferenceSession(model: model, inputShapes: ["input": [1, 3, 240, 320]]) }
        XCTAssertTrue(m.hasPrefix("yunet_s.onnx: shapes do not resolve at node '"), m)
        XCTAssertTrue(m.contains("(Add): cannot broadcast"), m)

        // A window larger than its input.
        var b = ModelBuilder()
        b.input("x", [1, 1, 2, 2])
        b.node("MaxPool", ["x"], ["y"], [ModelBuilder.ints("kernel_shape", [3, 3])])
        b.output("y")
        let url = dir.appendingPathComponent("pool.onnx")
        try b.write(to: url)
        XCTAssertEqual(message { _ = try InferenceSession(model: ONNXModel(contentsOf: url.path)) },
                       "pool.onnx: shapes do not resolve at node 'MaxPool_0' (MaxPool): a 3x3 window does not fit a 2x2 input")
    }

    func testInspectionFacts() throws {
        let model = try ONNXModel(contentsOf: yunet.path)
        XCTAssertEqual(model.parameterCount, 53_112)
        XCTAssertTrue(model.unsupportedOperators.isEmpty)
        XCTAssertEqual(model.outputs.count, 12)
        let session = try InferenceSession(model: model, inputShapes: ["input": [1, 3, 256, 320]])
        // Conv MACs at 320x256: the figure ONNX tools report for YuNet-s (~56 M at 320x240, scaled).
        XCTAssertEqual(Double(session.macs) / 1e6, 68.8, accuracy: 0.1)
        XCTAssertEqual(session.outputs.first { $0.name == "cls_8" }?.shape, [1, 1280, 1])
    }
}
