import Foundation
import ONNXProto
import SwiftProtobuf

/// A loaded ONNX model: its graph, weights and metadata, ready to be prepared for an input size.
public final class ONNXModel: Sendable {
    /// The description of one graph input or output.
    public struct ValueInfo: Sendable, Equatable, CustomStringConvertible {
        public let name: String
        /// Dimensions; `nil` where the model leaves the dimension symbolic.
        public let dims: [Int?]
        /// Symbolic names for the symbolic dimensions ("batch", "height"), or "?".
        public let symbols: [String?]

        public var description: String {
            let parts = zip(dims, symbols).map { dim, symbol in dim.map(String.init) ?? symbol ?? "?" }
            return "\(name) [\(parts.joined(separator: ", "))]"
        }
    }

    /// The file the model came from (used in every error message).
    public let path: String
    /// The short name used in messages: the file's last path component.
    public let displayName: String
    /// Graph inputs that are not weights.
    public let inputs: [ValueInfo]
    /// Graph outputs.
    public let outputs: [ValueInfo]
    /// The default-domain opset version the model was exported with.
    public let opsetVersion: Int
    /// The producer recorded in the file ("pytorch 1.8", "fer-live converter"...).
    public let producer: String

    let nodes: [Node]
    let initializers: [String: ConstantTensor]

    /// Loads and validates a model file.
    public convenience init(contentsOf path: String) throws {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InferenceError.unreadable(path: path, reason: Self.reason(for: error, path: path))
        }
        try self.init(bytes: bytes, path: path)
    }

    /// Parses a model from its serialized bytes; `path` names it in messages.
    public init(bytes: Data, path: String) throws {
        self.path = path
        let name = URL(fileURLWithPath: path).lastPathComponent
        self.displayName = name
        guard !bytes.isEmpty else { throw InferenceError.notONNX(path: path, reason: "the file is empty") }
        let proto: Onnx_ModelProto
        do {
            proto = try Onnx_ModelProto(serializedBytes: bytes)
        } catch {
            throw InferenceError.notONNX(path: path, reason: "truncated or not a protobuf: \(error)")
        }
        guard proto.irVersion > 0, proto.hasGraph, !proto.graph.node.isEmpty else {
            throw InferenceError.notONNX(path: path, reason: "no ir_version or no graph")
        }
        let defaultOpset = proto.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }
        guard let opset = defaultOpset else {
            throw InferenceError.notONNX(path: path, reason: "no opset for the default ONNX domain")
        }
        self.opsetVersion = Int(opset.version)
        self.producer = [proto.producerName, proto.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")

        var weights: [String: ConstantTensor] = [:]
        for tensor in proto.graph.initializer {
            weights[tensor.name] = try Self.constant(from: tensor, model: name)
        }
        self.initializers = weights
        self.nodes = try proto.graph.node.enumerated().map { index, node in
            try Node(proto: node, index: index, model: name)
        }
        self.inputs = proto.graph.input.filter { weights[$0.name] == nil }.map(Self.valueInfo)
        self.outputs = proto.graph.output.map(Self.valueInfo)
        guard !inputs.isEmpty, !outputs.isEmpty else {
            throw InferenceError.invalidModel(model: name, reason: "the graph has no inputs or no outputs")
        }
    }

    // MARK: - Introspection

    /// Operator types used by the graph, with how often each occurs, in first-use order.
    public var operatorCounts: [(op: String, count: Int)] {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for node in nodes {
            if counts[node.opType] == nil { order.append(node.opType) }
            counts[node.opType, default: 0] += 1
        }
        return order.map { ($0, counts[$0]!) }
    }

    /// Operators the engine does not implement (empty when the model is fully supported).
    public var unsupportedOperators: [String] {
        operatorCounts.map(\.op).filter { !OperatorSet.supported.contains($0) }
    }

    /// Number of weight parameters (elements of floating-point initializers).
    public var parameterCount: Int {
        initializers.values.reduce(0) { $0 + ($1.isInt ? 0 : $1.count) }
    }

    /// The number of graph nodes.
    public var nodeCount: Int { nodes.count }

    // MARK: - Parsing helpers

    private static func valueInfo(_ proto: Onnx_ValueInfoProto) -> ValueInfo {
        let dims = proto.type.tensorType.shape.dim
        return ValueInfo(
            name: proto.name,
            dims: dims.map { dim in
                if case .dimValue(let v)? = dim.value, v > 0 { return Int(v) }
                return nil
            },
            symbols: dims.map { dim in
                if case .dimParam(let p)? = dim.value, !p.isEmpty { return p }
                return nil
            })
    }

    static func constant(from tensor: Onnx_TensorProto, model: String) throws -> ConstantTensor {
        let shape = tensor.dims.map { Int($0) }
        let count = shape.reduce(1, *)
        if tensor.dataLocation == .external {
            throw InferenceError.invalidModel(
                model: model, reason: "tensor '\(tensor.name)' uses external data, which is not supported")
        }
        func fail(_ what: String) -> InferenceError {
            .invalidModel(model: model, reason: "tensor '\(tensor.name)': \(what)")
        }
        let raw = tensor.rawData
        switch tensor.dataType {
        case Int32(Onnx_TensorProto.DataType.float.rawValue):
            var values: [Float]
            if !raw.isEmpty {
                guard raw.count == count * 4 else { throw fail("\(raw.count) bytes of raw data for \(count) floats") }
                values = [Float](repeating: 0, count: count)
                values.withUnsafeMutableBytes { dst in _ = raw.copyBytes(to: dst) }
            } else {
                values = tensor.floatData
            }
            guard values.count == count else { throw fail("\(values.count) values for shape \(shape)") }
            return ConstantTensor(shape: shape, floats: values)
        case Int32(Onnx_TensorProto.DataType.double.rawValue):
            var values: [Double]
            if !raw.isEmpty {
                guard raw.count == count * 8 else { throw fail("bad raw data size") }
                values = [Double](repeating: 0, count: count)
                values.withUnsafeMutableBytes { dst in _ = raw.copyBytes(to: dst) }
            } else {
                values = tensor.doubleData
            }
            guard values.count == count else { throw fail("\(values.count) values for shape \(shape)") }
            return ConstantTensor(shape: shape, floats: values.map { Float($0) })
        case Int32(Onnx_TensorProto.DataType.int64.rawValue):
            var values: [Int]
            if !raw.isEmpty {
                guard raw.count == count * 8 else { throw fail("bad raw data size") }
                var wide = [Int64](repeating: 0, count: count)
                wide.withUnsafeMutableBytes { dst in _ = raw.copyBytes(to: dst) }
                values = wide.map { Int($0) }
            } else {
                values = tensor.int64Data.map { Int($0) }
            }
            guard values.count == count else { throw fail("\(values.count) values for shape \(shape)") }
            return ConstantTensor(shape: shape, ints: values)
        case Int32(Onnx_TensorProto.DataType.int32.rawValue),
             Int32(Onnx_TensorProto.DataType.int8.rawValue),
             Int32(Onnx_TensorProto.DataType.uint8.rawValue),
             Int32(Onnx_TensorProto.DataType.bool.rawValue):
            var values: [Int]
            if !raw.isEmpty {
                if tensor.dataType == Int32(Onnx_TensorProto.DataType.int32.rawValue) {
                    guard raw.count == count * 4 else { throw fail("bad raw data size") }
                    var narrow = [Int32](repeating: 0, count: count)
                    narrow.withUnsafeMutableBytes { dst in _ = raw.copyBytes(to: dst) }
                    values = narrow.map { Int($0) }
                } else {
                    guard raw.count == count else { throw fail("bad raw data size") }
                    let isSigned = tensor.dataType == Int32(Onnx_TensorProto.DataType.int8.rawValue)
                    values = raw.map { isSigned ? Int(Int8(bitPattern: $0)) : Int($0) }
                }
            } else {
                values = tensor.int32Data.map { Int($0) }
            }
            guard values.count == count else { throw fail("\(values.count) values for shape \(shape)") }
            return ConstantTensor(shape: shape, ints: values)
        default:
            throw fail("data type \(tensor.dataType) is not supported (float, double and integer tensors are)")
        }
    }

    static func reason(for error: Error, path: String) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if !FileManager.default.fileExists(atPath: path) { return "no such file" }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return "is a directory"
        }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return ns.localizedDescription
    }
}
