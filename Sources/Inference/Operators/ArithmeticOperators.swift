/// Add, Sub, Mul and Div with numpy broadcasting, and Floor and Ceil (folded only).
enum ArithmeticOperators {
    static let definitions: [OperatorDefinition] = [
        OperatorDefinition("Add", fold: add, plan: { try $0.planBinary($1, $2, .add) }),
        OperatorDefinition("Sub", fold: sub, plan: { try $0.planBinary($1, $2, .sub) }),
        OperatorDefinition("Mul", fold: mul, plan: { try $0.planBinary($1, $2, .mul) }),
        OperatorDefinition("Div", fold: div, plan: { try $0.planBinary($1, $2, .div) }),
        OperatorDefinition("Floor", fold: floor),
        OperatorDefinition("Ceil", fold: ceil),
    ]

    static func add(_ c: FoldContext) throws -> [ConstantTensor] {
        try broadcast(c, ints: { $0 + $1 }, floats: { $0 + $1 })
    }

    static func sub(_ c: FoldContext) throws -> [ConstantTensor] {
        try broadcast(c, ints: { $0 - $1 }, floats: { $0 - $1 })
    }

    static func mul(_ c: FoldContext) throws -> [ConstantTensor] {
        try broadcast(c, ints: { $0 * $1 }, floats: { $0 * $1 })
    }

    /// Integer division rounds down, as numpy's floor division.
    static func div(_ c: FoldContext) throws -> [ConstantTensor] {
        try broadcast(c, ints: { x, y in
            guard y != 0 else { throw c.fail("integer division by zero") }
            return Int((Double(x) / Double(y)).rounded(.down))
        }, floats: { $0 / $1 })
    }

    static func floor(_ c: FoldContext) throws -> [ConstantTensor] {
        try rounded(c, .down)
    }

    static func ceil(_ c: FoldContext) throws -> [ConstantTensor] {
        try rounded(c, .up)
    }

    /// Rounds a constant's floats by `rule`; integers stay as they are.
    private static func rounded(_ c: FoldContext, _ rule: FloatingPointRoundingRule) throws -> [ConstantTensor] {
        let t = try c.constant(0)
        if t.isInt { return [t] }
        return [ConstantTensor(shape: t.shape, floats: t.floats.map { $0.rounded(rule) })]
    }

    /// Applies a binary operation to two constants broadcast to a common shape, on integers when both are.
    private static func broadcast(_ c: FoldContext, ints: (Int, Int) throws -> Int, floats: (Float, Float) -> Float)
        throws -> [ConstantTensor]
    {
        let a = try c.constant(0), b = try c.constant(1)
        guard let shape = Shapes.broadcast(a.shape, b.shape) else { throw c.fail("cannot broadcast \(a.shape) with \(b.shape)") }
        let sa = Shapes.broadcastStrides(a.shape, to: shape), sb = Shapes.broadcastStrides(b.shape, to: shape)
        let outStrides = Shapes.strides(shape)
        let count = shape.reduce(1, *)
        let pairs = (0..<count).map { i -> (Int, Int) in
            var ia = 0, ib = 0, rest = i
            for d in 0..<shape.count {
                let q = rest / outStrides[d]
                rest %= outStrides[d]
                ia += q * sa[d]
                ib += q * sb[d]
            }
            return (ia, ib)
        }
        if a.isInt && b.isInt {
            let x = a.ints, y = b.ints
            return [ConstantTensor(shape: shape, ints: try pairs.map { try ints(x[$0.0], y[$0.1]) })]
        }
        let x = a.floats, y = b.floats
        return [ConstantTensor(shape: shape, floats: pairs.map { floats(x[$0.0], y[$0.1]) })]
    }
}

/// Planning of broadcasting binary arithmetic.
extension GraphPlanner {
    mutating func planBinary(_ node: Node, _ inputs: [PlanValue?], _ op: BinaryKernel.Op) throws {
        guard inputs.count == 2 else { throw fail(node, "expects 2 inputs") }
        let a = try operand(inputs[0], node, "input A")
        let b = try operand(inputs[1], node, "input B")
        guard let outShape = Shapes.broadcast(a.shape, b.shape) else {
            throw fail(node, "cannot broadcast \(a.shape) with \(b.shape)")
        }
        let (activation, finalName) = fuseActivation(after: node.outputs[0], channels: 1)
        let ySlot = output(finalName, shape: outShape)
        steps.append(PlannedStep(node: node.name, op: node.opType, reads: a.reads + b.reads, writes: [ySlot], macs: 0) {
            ptr, _ in
            var owned: [OwnedBuffer] = []
            let pa = a.pointer(ptr, &owned), pb = b.pointer(ptr, &owned)
            return BinaryKernel(op: op, a: pa, aShape: a.shape, b: pb, bShape: b.shape, y: ptr(ySlot),
                                outShape: outShape, activation: activation, constants: owned)
        })
    }
}
