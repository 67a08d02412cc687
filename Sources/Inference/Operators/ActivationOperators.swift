/// Relu, LeakyRelu, Sigmoid, Tanh, Exp, Clip and PRelu: unary kernels, most of them fusable into their producer.
enum ActivationOperators {
    static let definitions: [OperatorDefinition] = [
        OperatorDefinition("Relu", plan: { try $0.planUnary($1, $2, .activation(.relu)) }, fusion: { _, _, _, _ in .relu }),
        OperatorDefinition("LeakyRelu", plan: { try $0.planUnary($1, $2, .activation(leakyRelu($1))) },
                           fusion: { _, node, _, _ in leakyRelu(node) }),
        OperatorDefinition("Sigmoid", plan: { try $0.planUnary($1, $2, .activation(.sigmoid)) },
                           fusion: { _, _, _, _ in .sigmoid }),
        OperatorDefinition("Tanh", plan: { try $0.planUnary($1, $2, .tanh) }),
        OperatorDefinition("Exp", plan: { try $0.planUnary($1, $2, .exp) }),
        OperatorDefinition("Clip", plan: { try $0.planClip($1, $2) }, fusion: { planner, node, _, _ in
            planner.clipBounds(node).map { .clip($0.0, $0.1) }
        }),
        OperatorDefinition("PRelu", plan: { try $0.planPRelu($1, $2) }, fusion: preluFusion),
    ]

    static func leakyRelu(_ node: Node) -> Activation { .leakyRelu(node.float("alpha", default: 0.01)) }

    /// PRelu fuses when its slope is constant and either one value or one per channel of the producer.
    static func preluFusion(_ planner: GraphPlanner, _ node: Node, _ channels: Int,
                            _ channelAxisShape: (([Int]) -> Bool)?) -> Activation? {
        guard let slopeName = node.input(1), case .constant(let slope)? = planner.values[slopeName] else { return nil }
        let s = slope.floats
        guard s.count == 1 || (s.count == channels && (channelAxisShape?(slope.shape) ?? true)) else { return nil }
        return .prelu(s)
    }
}

/// Planning of unary activations.
extension GraphPlanner {
    /// A unary kernel applying `op` to every element.
    mutating func planUnary(_ node: Node, _ inputs: [PlanValue?], _ op: UnaryKernel.Op) throws {
        try planUnary(node, inputs) { _, xShape in (op, 1, xShape.reduce(1, *)) }
    }

    /// A unary kernel whose operation and channel layout `layout` derives from the planner and the input's shape.
    mutating func planUnary(
        _ node: Node, _ inputs: [PlanValue?],
        _ layout: (GraphPlanner, _ xShape: [Int]) throws -> (op: UnaryKernel.Op, channels: Int, channelSize: Int)
    ) throws {
        let (xShape, xSlot) = try dynamicInput(node, inputs)
        let count = xShape.reduce(1, *)
        let (op, c, cs) = try layout(self, xShape)
        let ySlot = output(node.outputs[0], shape: xShape)
        steps.append(PlannedStep(node: node.name, op: node.opType, reads: [xSlot], writes: [ySlot], macs: 0) { ptr, _ in
            UnaryKernel(op: op, x: ptr(xSlot), y: ptr(ySlot), count: count, channels: c, channelSize: cs)
        })
    }

    mutating func planClip(_ node: Node, _ inputs: [PlanValue?]) throws {
        try planUnary(node, inputs) { planner, xShape in
            guard let bounds = planner.clipBounds(node) else { throw planner.fail(node, "min and max must be constants") }
            return (.activation(.clip(bounds.0, bounds.1)), 1, xShape.reduce(1, *))
        }
    }

    mutating func planPRelu(_ node: Node, _ inputs: [PlanValue?]) throws {
        try planUnary(node, inputs) { planner, xShape in
            guard let name = node.input(1), case .constant(let slope)? = planner.values[name] else {
                throw planner.fail(node, "the slope must be a constant")
            }
            let s = slope.floats
            var channels = 1, channelSize = xShape.reduce(1, *)
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
                    throw planner.fail(node, "slope \(slope.shape) does not broadcast per channel over \(xShape)")
                }
            }
            return (.activation(.prelu(s)), channels, channelSize)
        }
    }

    /// Clip's bounds: attributes before opset 11, optional constant scalar inputs 1 and 2 since; nil when not constant.
    func clipBounds(_ node: Node) -> (Float, Float)? {
        func bound(_ input: Int, attribute: String, default value: Float) -> Float? {
            guard let name = node.input(input) else { return node.float(attribute, default: value) }
            guard case .constant(let t)? = values[name], t.count == 1 else { return nil }
            return t.floats[0]
        }
        guard let lo = bound(1, attribute: "min", default: -Float.greatestFiniteMagnitude),
              let hi = bound(2, attribute: "max", default: Float.greatestFiniteMagnitude) else { return nil }
        return (lo, hi)
    }
}
