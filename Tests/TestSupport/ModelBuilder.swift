import Foundation
import ONNXProto

/// Builds small ONNX graphs in the tests, so each operator can be checked against ONNX Runtime.
public struct ModelBuilder {
    public var graph = Onnx_GraphProto()
    public var opset: Int64 = 13
    private var counter = 0

    public init(opset: Int64 = 13) {
        self.opset = opset
        graph.name = "test"
    }

    public mutating func input(_ name: String, _ shape: [Int]) {
        graph.input.append(valueInfo(name, shape))
    }

    public mutating func output(_ name: String) {
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType.elemType = 1
        graph.output.append(info)
    }

    public mutating func weight(_ name: String, _ shape: [Int], _ values: [Float]) {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = shape.map(Int64.init)
        t.dataType = 1
        t.floatData = values
        graph.initializer.append(t)
    }

    public mutating func intWeight(_ name: String, _ values: [Int]) {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = [Int64(values.count)]
        t.dataType = 7
        t.int64Data = values.map(Int64.init)
        graph.initializer.append(t)
    }

    /// A weight filled with deterministic pseudo-random values in [-1, 1).
    public mutating func randomWeight(_ name: String, _ shape: [Int], seed: UInt64) {
        weight(name, shape, Self.random(count: shape.reduce(1, *), seed: seed))
    }

    public mutating func node(_ op: String, _ inputs: [String], _ outputs: [String], _ attributes: [Onnx_AttributeProto] = []) {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = "\(op)_\(counter)"
        counter += 1
        n.input = inputs
        n.output = outputs
        n.attribute = attributes
        graph.node.append(n)
    }

    public func serialized() throws -> Data {
        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.producerName = "fer-live tests"
        var opsetID = Onnx_OperatorSetIdProto()
        opsetID.version = opset
        model.opsetImport = [opsetID]
        model.graph = graph
        return try model.serializedData()
    }

    public func write(to url: URL) throws { try serialized().write(to: url) }

    public static func ints(_ name: String, _ v: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = v.map(Int64.init)
        return a
    }

    public static func int(_ name: String, _ v: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = Int64(v)
        return a
    }

    public static func float(_ name: String, _ v: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = v
        return a
    }

    public static func string(_ name: String, _ v: String) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .string
        a.s = Data(v.utf8)
        return a
    }

    public static func random(count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
        }
    }

    private func valueInfo(_ name: String, _ shape: [Int]) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType.elemType = 1
        info.type.tensorType.shape.dim = shape.map { d in
            var dim = Onnx_TensorShapeProto.Dimension()
            if d > 0 { dim.dimValue = Int64(d) } else { dim.dimParam = "n" }
            return dim
        }
        return info
    }
}
