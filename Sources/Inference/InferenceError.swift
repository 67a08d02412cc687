/// Everything that can go wrong while loading or running a model, each with a one-line message.
public enum InferenceError: Error, CustomStringConvertible, Equatable {
    /// The model file could not be read (missing, permission, I/O).
    case unreadable(path: String, reason: String)
    /// The file is empty, truncated, or not an ONNX protobuf.
    case notONNX(path: String, reason: String)
    /// The model uses an operator the engine does not implement.
    case unsupportedOperator(op: String, node: String, model: String)
    /// The model is ONNX but something in it is malformed or outside what the engine handles.
    case invalidModel(model: String, reason: String)
    /// An input tensor was given with the wrong name, rank or dimensions.
    case badInput(model: String, reason: String)
    /// Shape inference failed for the requested input shapes.
    case shapeMismatch(model: String, node: String, op: String, reason: String)
    /// A session option (instruction set, threads) cannot be used on this machine.
    case badOption(String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read model: \(reason)"
        case let .notONNX(path, reason):
            return "\(path): not an ONNX model (\(reason))"
        case let .unsupportedOperator(op, node, model):
            return "\(model): unsupported operator \(op) in node '\(node)'"
        case let .invalidModel(model, reason):
            return "\(model): invalid model: \(reason)"
        case let .badInput(model, reason):
            return "\(model): bad input: \(reason)"
        case let .shapeMismatch(model, node, op, reason):
            return "\(model): shapes do not resolve at node '\(node)' (\(op)): \(reason)"
        case let .badOption(reason):
            return reason
        }
    }
}
