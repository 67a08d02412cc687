import ONNXProto

/// One operator of the graph with its attributes decoded.
struct Node: Sendable {
    let index: Int
    let name: String
    let opType: String
    let domain: String
    /// Input value names; an empty string marks an omitted optional input.
    let inputs: [String]
    let outputs: [String]
    let attributes: [String: Attribute]

    /// A decoded attribute value.
    enum Attribute: Sendable {
        case int(Int)
        case float(Float)
        case string(String)
        case ints([Int])
        case floats([Float])
        case tensor(ConstantTensor)
        case other
    }

    init(proto: Onnx_NodeProto, index: Int, model: String) throws {
        self.index = index
        self.name = proto.name.isEmpty ? "\(proto.opType)_\(index)" : proto.name
        self.opType = proto.opType
        self.domain = proto.domain
        self.inputs = proto.input
        self.outputs = proto.output
        var attributes: [String: Attribute] = [:]
        for attribute in proto.attribute {
            switch attribute.type {
            case .int: attributes[attribute.name] = .int(Int(attribute.i))
            case .float: attributes[attribute.name] = .float(attribute.f)
            case .string: attributes[attribute.name] = .string(String(decoding: attribute.s, as: UTF8.self))
            case .ints: attributes[attribute.name] = .ints(attribute.ints.map { Int($0) })
            case .floats: attributes[attribute.name] = .floats(attribute.floats)
            case .tensor: attributes[attribute.name] = .tensor(try ONNXModel.constant(from: attribute.t, model: model))
            default: attributes[attribute.name] = .other
            }
        }
        self.attributes = attributes
    }

    func int(_ key: String, default value: Int) -> Int {
        if case .int(let v)? = attributes[key] { return v }
        return value
    }

    func float(_ key: String, default value: Float) -> Float {
        if case .float(let v)? = attributes[key] { return v }
        return value
    }

    func string(_ key: String, default value: String) -> String {
        if case .string(let v)? = attributes[key] { return v }
        return value
    }

    func ints(_ key: String) -> [Int]? {
        if case .ints(let v)? = attributes[key] { return v }
        return nil
    }

    func tensor(_ key: String) -> ConstantTensor? {
        if case .tensor(let v)? = attributes[key] { return v }
        return nil
    }

    /// The name of input `i`, or nil when it is absent or omitted.
    func input(_ i: Int) -> String? {
        i < inputs.count && !inputs[i].isEmpty ? inputs[i] : nil
    }
}
