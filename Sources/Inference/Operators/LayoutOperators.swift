/// Transpose, Concat and Slice.
enum LayoutOperators {
    static let definitions: [OperatorDefinition] = [
        OperatorDefinition("Transpose", fold: transpose, plan: { try $0.planTranspose($1, $2) }),
        OperatorDefinition("Concat", fold: concat, plan: { try $0.planConcat($1, $2) }),
        OperatorDefinition("Slice", fold: slice, plan: { try $0.planSlice($1, $2) }),
    ]

    static func transpose(_ c: FoldContext) throws -> [ConstantTensor] {
        let t = try c.constant(0)
        let perm = c.node.ints("perm") ?? Array((0..<t.shape.count).reversed())
        let shape = perm.map { t.shape[$0] }
        let strides = Shapes.strides(t.shape), outStrides = Shapes.strides(shape)
        let picks = (0..<t.count).map { i -> Int in
            var offset = 0, rest = i
            for d in 0..<shape.count {
                let q = rest / outStrides[d]
                rest %= outStrides[d]
                offset += q * strides[perm[d]]
            }
            return offset
        }
        return [t.gathered(shape: shape, indices: picks)]
    }

    static func concat(_ c: FoldContext) throws -> [ConstantTensor] {
        let parts = try (0..<c.inputs.count).map { try c.constant($0) }
        guard let first = parts.first, let axis = Shapes.axis(c.node.int("axis", default: 0), rank: first.shape.count)
        else { throw c.fail("bad axis") }
        var shape = first.shape
        shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        let outer = first.shape[..<axis].reduce(1, *)
        if parts.allSatisfy(\.isInt) {
            var out: [Int] = []
            for o in 0..<outer {
                for p in parts { let block = p.shape[axis...].reduce(1, *); out += p.ints[(o * block)..<((o + 1) * block)] }
            }
            return [ConstantTensor(shape: shape, ints: out)]
        }
        var out: [Float] = []
        for o in 0..<outer {
            for p in parts { let block = p.shape[axis...].reduce(1, *); out += p.floats[(o * block)..<((o + 1) * block)] }
        }
        return [ConstantTensor(shape: shape, floats: out)]
    }

    static func slice(_ c: FoldContext) throws -> [ConstantTensor] {
        let t = try c.constant(0)
        let spec = try sliceSpec(c.node, shape: t.shape, values: { name in
            guard let i = c.node.inputs.firstIndex(of: name) else { return nil }
            return c.optionalConstant(i)
        }, fail: c.fail)
        let strides = Shapes.strides(t.shape)
        let count = spec.outShape.reduce(1, *)
        let outStrides = Shapes.strides(spec.outShape)
        let picks = (0..<count).map { i -> Int in
            var offset = 0, rest = i
            for d in 0..<spec.outShape.count {
                let q = rest / outStrides[d]
                rest %= outStrides[d]
                offset += (spec.starts[d] + q * spec.steps[d]) * strides[d]
            }
            return offset
        }
        return [t.gathered(shape: spec.outShape, indices: picks)]
    }

    /// Start and step per dimension, and the output shape, of a Slice on `shape`.
    static func sliceSpec(_ node: Node, shape: [Int], values: (String) -> ConstantTensor?,
                          fail: (String) -> InferenceError) throws -> (starts: [Int], steps: [Int], outShape: [Int]) {
        var startsIn: [Int], endsIn: [Int], axes: [Int], stepsIn: [Int]
        if let s = node.ints("starts"), let e = node.ints("ends") {
            startsIn = s
            endsIn = e
            axes = node.ints("axes") ?? Array(0..<s.count)
            stepsIn = [Int](repeating: 1, count: s.count)
        } else {
            func input(_ i: Int) throws -> [Int]? {
                guard let name = node.input(i) else { return nil }
                guard let t = values(name) else { throw fail("slice parameter \(i) must be constant") }
                return t.ints
            }
            guard let s = try input(1), let e = try input(2) else { throw fail("starts and ends are required") }
            startsIn = s
            endsIn = e
            axes = try input(3) ?? Array(0..<s.count)
            stepsIn = try input(4) ?? [Int](repeating: 1, count: s.count)
        }
        var starts = [Int](repeating: 0, count: shape.count)
        var steps = [Int](repeating: 1, count: shape.count)
        var out = shape
        for (k, a) in axes.enumerated() {
            guard let axis = Shapes.axis(a, rank: shape.count) else { throw fail("axis \(a) out of range") }
            let dim = shape[axis]
            let step = stepsIn[k]
            guard step != 0 else { throw fail("step 0") }
            var start = startsIn[k], end = endsIn[k]
            if start < 0 { start += dim }
            if end < 0 { end += dim }
            if step > 0 {
                start = min(max(start, 0), dim)
                end = min(max(end, 0), dim)
                out[axis] = max(0, (end - start + step - 1) / step)
            } else {
                start = min(max(start, -1), dim - 1)
                end = min(max(end, -1), dim - 1)
                out[axis] = max(0, (start - end + (-step) - 1) / (-step))
            }
            starts[axis] = start
            steps[axis] = step
        }
        return (starts, steps, out)
    }
}

/// Planning of Transpose, Concat and Slice.
extension GraphPlanner {
    mutating func planTranspose(_ node: Node, _ inputs: [PlanValue?]) throws {
        let (xShape, xSlot) = try dynamicInput(node, inputs)
        let perm = node.ints("perm") ?? Array((0..<xShape.count).reversed())
        guard perm.sorted() == Array(0..<xShape.count) else { throw fail(node, "perm \(perm) does not fit \(xShape)") }
        let outShape = perm.map { xShape[$0] }
        let ySlot = output(node.outputs[0], shape: outShape)
        steps.append(PlannedStep(node: node.name, op: "Transpose", reads: [xSlot], writes: [ySlot], macs: 0) { ptr, _ in
            TransposeKernel(x: ptr(xSlot), y: ptr(ySlot), inShape: xShape, perm: perm)
        })
    }

    mutating func planConcat(_ node: Node, _ inputs: [PlanValue?]) throws {
        let operands = try inputs.enumerated().map { try operand($0.element, node, "input \($0.offset)") }
        let rank = operands[0].shape.count
        guard let axis = Shapes.axis(node.int("axis", default: 0), rank: rank) else { throw fail(node, "axis out of range") }
        var outShape = operands[0].shape
        outShape[axis] = 0
        for o in operands {
            guard o.shape.count == rank,
                  o.shape.enumerated().allSatisfy({ $0.offset == axis || $0.element == outShape[$0.offset] })
            else { throw fail(node, "cannot concatenate \(operands.map(\.shape)) on axis \(axis)") }
            outShape[axis] += o.shape[axis]
        }
        let ySlot = output(node.outputs[0], shape: outShape)
        steps.append(PlannedStep(node: node.name, op: "Concat", reads: operands.flatMap(\.reads), writes: [ySlot], macs: 0) {
            ptr, _ in
            var owned: [OwnedBuffer] = []
            let pointers = operands.map { ($0.pointer(ptr, &owned), $0.shape) }
            return ConcatKernel(inputs: pointers, axis: axis, y: ptr(ySlot), constants: owned)
        })
    }

    mutating func planSlice(_ node: Node, _ inputs: [PlanValue?]) throws {
        let (xShape, xSlot) = try dynamicInput(node, inputs)
        let spec = try LayoutOperators.sliceSpec(node, shape: xShape, values: { name in
            if case .constant(let t)? = self.values[name] { return t }
            return nil
        }, fail: { fail(node, $0) })
        let ySlot = output(node.outputs[0], shape: spec.outShape)
        steps.append(PlannedStep(node: node.name, op: "Slice", reads: [xSlot], writes: [ySlot], macs: 0) { ptr, _ in
            SliceKernel(x: ptr(xSlot), y: ptr(ySlot), inShape: xShape, starts: spec.starts, steps: spec.steps,
                        outShape: spec.outShape)
        })
    }
}
