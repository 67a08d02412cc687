/// Dispatches each runtime operator to its planner.
extension GraphPlanner {
    mutating func planRuntime(_ node: Node, _ inputs: [PlanValue?]) throws {
        switch node.opType {
        case "Conv": try planConv(node, inputs)
        case "BatchNormalization": try planBatchNorm(node, inputs)
        case "MaxPool", "AveragePool": try planPool(node, inputs)
        case "GlobalAveragePool", "GlobalMaxPool": try planGlobalPool(node, inputs)
        case "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Exp", "Clip", "PRelu": try planUnary(node, inputs)
        case "Add", "Sub", "Mul", "Div": try planBinary(node, inputs)
        case "Softmax": try planSoftmax(node, inputs)
        case "Gemm": try planGemm(node, inputs)
        case "MatMul": try planMatMul(node, inputs)
        case "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Cast": try planAlias(node, inputs)
        case "Transpose": try planTranspose(node, inputs)
        case "Concat": try planConcat(node, inputs)
        case "Slice": try planSlice(node, inputs)
        case "Resize", "Upsample": try planResize(node, inputs)
        default:
            throw InferenceError.unsupportedOperator(op: node.opType, node: node.name, model: model.displayName)
        }
    }

    /// The dynamic data input (input 0) of a node.
    func dynamicInput(_ node: Node, _ inputs: [PlanValue?], rank: Int? = nil) throws -> (shape: [Int], slot: Int) {
        guard case .dynamic(let shape, let slot)? = inputs.first ?? nil else {
            throw fail(node, "input 0 must be computed at run time")
        }
        if let rank, shape.count != rank {
            throw fail(node, "expects a rank-\(rank) input, got \(shape)")
        }
        return (shape, slot)
    }

    /// Registers a new runtime output value and returns its slot.
    mutating func output(_ name: String, shape: [Int]) -> Int {
        let slot = newSlot(shape)
        values[name] = .dynamic(shape: shape, slot: slot)
        return slot
    }
}
