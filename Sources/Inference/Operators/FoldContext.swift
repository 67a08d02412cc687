/// What a fold function sees: the node, the model's opset, its inputs, and how to report a failure.
struct FoldContext {
    let node: Node
    let opset: Int
    let inputs: [PlanValue?]
    let fail: (String) -> InferenceError

    /// Input `i`, which must be a known constant.
    func constant(_ i: Int) throws -> ConstantTensor {
        guard i < inputs.count, case .constant(let t)? = inputs[i] else { throw fail("input \(i) is missing") }
        return t
    }

    /// Input `i` when it is present and constant.
    func optionalConstant(_ i: Int) -> ConstantTensor? {
        guard i < inputs.count, case .constant(let t)? = inputs[i] else { return nil }
        return t
    }
}
