/// Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout and Cast: at run time, free aliases of their input's slot.
enum ReshapeOperators {
    static let definitions: [OperatorDefinition] = [
        OperatorDefinition("Reshape", fold: reshape, plan: { try $0.planReshape($1, $2) }),
        OperatorDefinition("Flatten", fold: flatten, plan: { try $0.planFlatten($1, $2) }),
        OperatorDefinition("Squeeze", fold: squeeze, plan: { try $0.planSqueeze($1, $2, unsqueeze: false) }),
        OperatorDefinition("Unsqueeze", fold: unsqueeze, plan: { try $0.planSqueeze($1, $2, unsqueeze: true) }),
        OperatorDefinition("Identity", fold: identity, plan: { try $0.planAlias($1, $2) { _, shape in shape } }),
        OperatorDefinition("Dropout", fold: identity, plan: { try $0.planDropout($1, $2) }),
        OperatorDefinition("Cast", fold: cast, plan: { try $0.planCast($1, $2) }),
    ]

    /// Identity, and Dropout at inference: the input unchanged.
    static func identity(_ c: FoldContext) throws -> [ConstantTensor] {
        [try c.constant(0)]
    }

    static func cast(_ c: FoldContext) throws -> [ConstantTensor] {
        let t = try c.constant(0)
        let to = c.node.int("to", default: 1)
        switch to {
        case 1, 10, 11: return [ConstantTensor(shape: t.shape, floats: t.floats)]
        case 2, 3, 4, 5, 6, 7, 9, 12, 13: return [ConstantTensor(shape: t.shape, ints: t.ints)]
        default: throw c.fail("cast to type \(to) is not supported")
        }
    }

    static func squeeze(_ c: FoldContext) throws -> [ConstantTensor] {
        try squeezeFold(c, unsqueeze: false)
    }

    static func unsqueeze(_ c: FoldContext) throws -> [ConstantTensor] {
        try squeezeFold(c, unsqueeze: true)
    }

    private static func squeezeFold(_ c: FoldContext, unsqueeze: Bool) throws -> [ConstantTensor] {
        let t = try c.constant(0)
        let axes = c.node.ints("axes") ?? (c.optionalConstant(1)?.ints ?? [])
        let shape = try squeezeShape(t.shape, axes: axes, unsqueeze: unsqueeze, fail: c.fail)
        return [t.reshaped(shape)]
    }

    static func reshape(_ c: FoldContext) throws -> [ConstantTensor] {
        let t = try c.constant(0), target = try c.constant(1)
        guard let shape = Shapes.reshape(t.shape, to: target.ints, allowZero: c.node.int("allowzero", default: 0) != 0)
        else { throw c.fail("cannot reshape \(t.shape) to \(target.ints)") }
        return [t.reshaped(shape)]
    }

    static func flatten(_ c: FoldContext) throws -> [ConstantTensor] {
        let t = try c.constant(0)
        guard let axis = Shapes.axis(c.node.int("axis", default: 1), rank: t.shape.count + 1) else { throw c.fail("bad axis") }
        return [t.reshaped([t.shape[..<axis].reduce(1, *), t.shape[axis...].reduce(1, *)])]
    }

    /// The shape after Squeeze or Unsqueeze with the given axes.
    static func squeezeShape(_ shape: [Int], axes: [Int], unsqueeze: Bool, fail: (String) -> InferenceError) throws -> [Int] {
        if unsqueeze {
            let rank = shape.count + axes.count
            let normalized = try axes.map { a -> Int in
                guard let n = Shapes.axis(a, rank: rank) else { throw fail("axis \(a) out of range") }
                return n
            }.sorted()
            var out = shape
            for a in normalized { out.insert(1, at: a) }
            return out
        }
        if axes.isEmpty { return shape.filter { $0 != 1 } }
        let normalized = try Set(axes.map { a -> Int in
            guard let n = Shapes.axis(a, rank: shape.count), shape[n] == 1 else {
                throw fail("cannot squeeze axis \(a) of \(shape)")
            }
            return n
        })
        return shape.enumerated().filter { !normalized.contains($0.offset) }.map(\.element)
    }
}

/// Planning of the reshapes: the output shares the input's slot under a new shape.
extension GraphPlanner {
    /// Gives the output the input's slot, with the shape `shape` derives from the input's.
    mutating func planAlias(_ node: Node, _ inputs: [PlanValue?], _ shape: (GraphPlanner, [Int]) throws -> [Int]) throws {
        let (xShape, xSlot) = try dynamicInput(node, inputs)
        values[node.outputs[0]] = .dynamic(shape: try shape(self, xShape), slot: xSlot)
    }

    mutating func planReshape(_ node: Node, _ inputs: [PlanValue?]) throws {
        try planAlias(node, inputs) { planner, xShape in
            guard let name = node.input(1), case .constant(let target)? = planner.values[name] else {
                throw planner.fail(node, "the target shape must be known when the model is prepared")
            }
            guard let resolved = Shapes.reshape(xShape, to: target.ints, allowZero: node.int("allowzero", default: 0) != 0)
            else { throw planner.fail(node, "cannot reshape \(xShape) to \(target.ints)") }
            return resolved
        }
    }

    mutating func planFlatten(_ node: Node, _ inputs: [PlanValue?]) throws {
        try planAlias(node, inputs) { planner, xShape in
            guard let axis = Shapes.axis(node.int("axis", default: 1), rank: xShape.count + 1) else {
                throw planner.fail(node, "axis out of range for \(xShape)")
            }
            return [xShape[..<axis].reduce(1, *), xShape[axis...].reduce(1, *)]
        }
    }

    mutating func planSqueeze(_ node: Node, _ inputs: [PlanValue?], unsqueeze: Bool) throws {
        try planAlias(node, inputs) { planner, xShape in
            let axes = try planner.axesInput(node)
            return try ReshapeOperators.squeezeShape(xShape, axes: axes, unsqueeze: unsqueeze) { planner.fail(node, $0) }
        }
    }

    /// Axes given as an attribute (older opsets) or as a constant input (opset 13+).
    func axesInput(_ node: Node) throws -> [Int] {
        if let axes = node.ints("axes") { return axes }
        if let name = node.input(1) {
            guard case .constant(let t)? = values[name] else { throw fail(node, "axes must be constant") }
            return t.ints
        }
        return []
    }

    mutating func planDropout(_ node: Node, _ inputs: [PlanValue?]) throws {
        try planAlias(node, inputs) { planner, xShape in
            if let mask = node.outputs.dropFirst().first, !mask.isEmpty {
                throw planner.fail(node, "the mask output of Dropout is not supported")
            }
            return xShape
        }
    }

    /// Only a float-to-float Cast runs at run time.
    mutating func planCast(_ node: Node, _ inputs: [PlanValue?]) throws {
        try planAlias(node, inputs) { planner, xShape in
            let to = node.int("to", default: 1)
            guard to == 1 else { throw planner.fail(node, "casting a runtime tensor to type \(to) is not supported (float only)") }
            return xShape
        }
    }
}
