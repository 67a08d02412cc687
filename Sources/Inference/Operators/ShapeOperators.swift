/// Shape, Gather, Constant, ConstantOfShape and Range: shape arithmetic, folded at load time.
enum ShapeOperators {
    static let definitions: [OperatorDefinition] = [
        OperatorDefinition("Shape", foldsFromShapes: true, fold: shape),
        OperatorDefinition("Gather", fold: gather),
        OperatorDefinition("Constant", fold: constant),
        OperatorDefinition("ConstantOfShape", fold: constantOfShape),
        OperatorDefinition("Range", fold: range),
    ]

    /// The value attribute, in whichever form it is given.
    static func constant(_ c: FoldContext) throws -> [ConstantTensor] {
        let node = c.node
        if let t = node.tensor("value") { return [t] }
        if case .float(let f)? = node.attributes["value_float"] { return [ConstantTensor(shape: [], floats: [f])] }
        if case .int(let i)? = node.attributes["value_int"] { return [ConstantTensor(shape: [], ints: [i])] }
        if let v = node.ints("value_ints") { return [ConstantTensor(shape: [v.count], ints: v)] }
        if case .floats(let v)? = node.attributes["value_floats"] { return [ConstantTensor(shape: [v.count], floats: v)] }
        throw c.fail("Constant without a supported value attribute")
    }

    /// The input's shape (from `start` to `end`); the input itself may be computed at run time.
    static func shape(_ c: FoldContext) throws -> [ConstantTensor] {
        guard let shape = c.inputs.first??.shape else { throw c.fail("input 0 is missing") }
        let rank = shape.count
        var start = c.node.int("start", default: 0), end = c.node.int("end", default: rank)
        if start < 0 { start += rank }
        if end < 0 { end += rank }
        start = min(max(start, 0), rank)
        end = min(max(end, start), rank)
        return [ConstantTensor(shape: [end - start], ints: Array(shape[start..<end]))]
    }

    static func gather(_ c: FoldContext) throws -> [ConstantTensor] {
        let data = try c.constant(0), indices = try c.constant(1)
        guard let axis = Shapes.axis(c.node.int("axis", default: 0), rank: data.shape.count) else {
            throw c.fail("axis out of range")
        }
        let outer = data.shape[..<axis].reduce(1, *), inner = data.shape[(axis + 1)...].reduce(1, *)
        let n = data.shape[axis]
        var picks: [Int] = []
        for o in 0..<outer {
            for var idx in indices.ints {
                if idx < 0 { idx += n }
                guard (0..<n).contains(idx) else { throw c.fail("index \(idx) out of range 0..<\(n)") }
                for i in 0..<inner { picks.append((o * n + idx) * inner + i) }
            }
        }
        let shape = Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
        return [data.gathered(shape: shape, indices: picks)]
    }

    static func constantOfShape(_ c: FoldContext) throws -> [ConstantTensor] {
        let shape = try c.constant(0).ints
        let value = c.node.tensor("value") ?? ConstantTensor(shape: [1], floats: [0])
        let count = shape.reduce(1, *)
        if value.isInt { return [ConstantTensor(shape: shape, ints: Array(repeating: value.ints[0], count: count))] }
        return [ConstantTensor(shape: shape, floats: Array(repeating: value.floats[0], count: count))]
    }

    static func range(_ c: FoldContext) throws -> [ConstantTensor] {
        let start = try c.constant(0), limit = try c.constant(1), delta = try c.constant(2)
        if start.isInt && limit.isInt && delta.isInt {
            let d = delta.ints[0]
            guard d != 0 else { throw c.fail("delta is 0") }
            let values = Array(stride(from: start.ints[0], to: limit.ints[0], by: d))
            return [ConstantTensor(shape: [values.count], ints: values)]
        }
        let d = delta.floats[0]
        guard d != 0 else { throw c.fail("delta is 0") }
        let values = Array(stride(from: start.floats[0], to: limit.floats[0], by: d))
        return [ConstantTensor(shape: [values.count], floats: values)]
    }
}
