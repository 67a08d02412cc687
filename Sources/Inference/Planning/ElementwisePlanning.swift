/// Planning of unary activations and broadcasting binary arithmetic.
extension GraphPlanner {
    mutating func planUnary(_ node: Node, _ inputs: [PlanValue?]) throws {
        let (xShape, xSlot) = try dynamicInput(node, inputs)
        let count = xShape.reduce(1, *)
        var channels = 1, channelSize = count
        let op: UnaryKernel.Op
        switch node.opType {
        case "Relu": op = .activation(.relu)
        case "LeakyRelu": op = .activation(.leakyRelu(node.float("alpha", default: 0.01)))
        case "Sigmoid": op = .activation(.sigmoid)
        case "Tanh": op = .tanh
        case "Exp": op = .exp
        case "Clip":
            guard let bounds = clipBounds(node) else { throw fail(node, "min and max must be constants") }
            op = .activation(.clip(bounds.0, bounds.1))
        default: // PRelu
            guard let name = node.input(1), case .constant(let slope)? = values[name] else {
                throw fail(node, "the slope must be a constant")
            }
            let s = slope.floats
            if s.count > 1 {
                // Per-channel slope: broadcast over dimension 1 (NCHW) or over the last dimension ([N, C]).
                let padded = [Int](repeating: 1, count: max(0, xShape.count - slope.shape.count)) + slope.shape
                if xShape.count >= 2, padded.enumerated().allSatisfy({ $0.offset == 1 ? $0.element == xShape[1] : $0.element == 1 }) {
                    channels = xShape[1]
                    channelSize = xShape[2...].reduce(1, *)
                } else if padded.last == xShape.last, padded.dropLast().allSatisfy({ $0 == 1 }) {
                    channels = s.count
                    channelSize = 1
                } else {
                    throw fail(node, "slope \(slope.shape) does not broadcast per channel over \(xShape)")
                }
            }
            op = .activation(.prelu(s))
        }
        let ySlot = output(node.outputs[0], shape: xShape)
        let (c, cs) = (channels, channelSize)
        steps.append(PlannedStep(node: node.name, op: node.opType, reads: [xSlot], writes: [ySlot], macs: 0) { ptr, _ in
            UnaryKernel(op: op, x: ptr(xSlot), y: ptr(ySlot), count: count, channels: c, channelSize: cs)
        })
    }

    mutating func planBinary(_ node: Node, _ inputs: [PlanValue?]) throws {
        guard inputs.count == 2 else { throw fail(node, "expects 2 inputs") }
        let a = try operand(inputs[0], node, "input A")
        let b = try operand(inputs[1], node, "input B")
        guard let outShape = Shapes.broadcast(a.shape, b.shape) else {
            throw fail(node, "cannot broadcast \(a.shape) with \(b.shape)")
        }
        let op: BinaryKernel.Op = ["Add": .add, "Sub": .sub, "Mul": .mul, "Div": .div][node.opType]!
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
