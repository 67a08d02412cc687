/// Softmax, Gemm and MatMul.
enum MathOperators {
    static let definitions: [OperatorDefinition] = [
        OperatorDefinition("Softmax", plan: { try $0.planSoftmax($1, $2) }),
        OperatorDefinition("Gemm", plan: { try $0.planGemm($1, $2) }),
        OperatorDefinition("MatMul", plan: { try $0.planMatMul($1, $2) }),
    ]
}

/// Planning of Softmax, Gemm and MatMul.
extension GraphPlanner {
    mutating func planSoftmax(_ node: Node, _ inputs: [PlanValue?]) throws {
        let (xShape, xSlot) = try dynamicInput(node, inputs)
        let rank = xShape.count
        let legacy = model.opsetVersion < 13
        guard let axis = Shapes.axis(node.int("axis", default: legacy ? 1 : -1), rank: rank) else {
            throw fail(node, "axis out of range for \(xShape)")
        }
        let outer = xShape[..<axis].reduce(1, *)
        // Before opset 13 Softmax flattens everything from `axis` on into one row.
        let axisSize = legacy ? xShape[axis...].reduce(1, *) : xShape[axis]
        let inner = legacy ? 1 : xShape[(axis + 1)...].reduce(1, *)
        let ySlot = output(node.outputs[0], shape: xShape)
        steps.append(PlannedStep(node: node.name, op: "Softmax", reads: [xSlot], writes: [ySlot], macs: 0) { ptr, _ in
            SoftmaxKernel(x: ptr(xSlot), y: ptr(ySlot), outer: outer, axisSize: axisSize, inner: inner)
        })
    }

    mutating func planGemm(_ node: Node, _ inputs: [PlanValue?]) throws {
        guard inputs.count >= 2 else { throw fail(node, "expects at least 2 inputs") }
        let a = try operand(inputs[0], node, "A")
        let b = try operand(inputs[1], node, "B")
        guard a.shape.count == 2, b.shape.count == 2 else { throw fail(node, "A \(a.shape) and B \(b.shape) must be 2-D") }
        let transA = node.int("transA", default: 0) != 0, transB = node.int("transB", default: 0) != 0
        let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (k2, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == k2 else { throw fail(node, "inner dimensions differ: A \(a.shape), B \(b.shape)") }
        let alpha = node.float("alpha", default: 1), beta = node.float("beta", default: 1)
        var bias: [Float]? = nil
        if inputs.count > 2, let c = inputs[2] {
            guard case .constant(let t) = c else { throw fail(node, "C must be a constant") }
            guard Shapes.broadcast(t.shape, [m, n]) == [m, n] else { throw fail(node, "C \(t.shape) does not broadcast to [\(m), \(n)]") }
            let values = t.floats.map { $0 * beta }
            if t.count == 1 { bias = [Float](repeating: values[0], count: n) }
            else if t.count == n && (t.shape.last == n) { bias = values }
            else if t.count == m * n { bias = values }
            else if t.count == m { bias = (0..<(m * n)).map { values[$0 / n] } } // column vector [m, 1]
            else { throw fail(node, "C \(t.shape) is not supported") }
        }
        let (activation, finalName) = fuseActivation(after: node.outputs[0], channels: n) { shape in
            shape.last == n && shape.dropLast().allSatisfy { $0 == 1 }
        }
        let ySlot = output(finalName, shape: [m, n])
        steps.append(PlannedStep(node: node.name, op: "Gemm", reads: a.reads + b.reads, writes: [ySlot], macs: m * n * k) {
            ptr, _ in
            var owned: [OwnedBuffer] = []
            let pa = a.pointer(ptr, &owned), pb = b.pointer(ptr, &owned)
            return GemmKernel(a: pa, b: pb, y: ptr(ySlot), m: m, n: n, k: k, transA: transA, transB: transB,
                              alpha: alpha, batch: 1, aStride: 0, bStride: 0, bias: bias, activation: activation,
                              constants: owned)
        })
    }

    mutating func planMatMul(_ node: Node, _ inputs: [PlanValue?]) throws {
        guard inputs.count == 2 else { throw fail(node, "expects 2 inputs") }
        let a = try operand(inputs[0], node, "A")
        let b = try operand(inputs[1], node, "B")
        guard a.shape.count >= 2, b.shape.count >= 2 else {
            throw fail(node, "1-D operands are not supported: A \(a.shape), B \(b.shape)")
        }
        let k = a.shape[a.shape.count - 1]
        guard b.shape[b.shape.count - 2] == k else { throw fail(node, "inner dimensions differ: A \(a.shape), B \(b.shape)") }
        let n = b.shape[b.shape.count - 1]
        let aBatch = Array(a.shape.dropLast(2)), bBatch = Array(b.shape.dropLast(2))
        let m: Int, batch: Int, aStride: Int, bStride: Int
        let outShape: [Int]
        if bBatch.reduce(1, *) == 1 {
            // B shared: fold A's batch into its rows.
            m = a.shape.dropLast().reduce(1, *)
            batch = 1
            aStride = 0
            bStride = 0
            outShape = Array(a.shape.dropLast()) + [n]
        } else if aBatch == bBatch {
            m = a.shape[a.shape.count - 2]
            batch = aBatch.reduce(1, *)
            aStride = m * k
            bStride = k * n
            outShape = aBatch + [m, n]
        } else {
            throw fail(node, "batch dimensions of A \(a.shape) and B \(b.shape) must match or B must be 2-D")
        }
        let (activation, finalName) = fuseActivation(after: node.outputs[0], channels: n) { shape in
            shape.last == n && shape.dropLast().allSatisfy { $0 == 1 }
        }
        let ySlot = output(finalName, shape: outShape)
        steps.append(PlannedStep(node: node.name, op: "MatMul", reads: a.reads + b.reads, writes: [ySlot],
                                 macs: batch * m * n * k) { ptr, _ in
            var owned: [OwnedBuffer] = []
            let pa = a.pointer(ptr, &owned), pb = b.pointer(ptr, &owned)
            return GemmKernel(a: pa, b: pb, y: ptr(ySlot), m: m, n: n, k: k, transA: false, transB: false, alpha: 1,
                              batch: batch, aStride: aStride, bStride: bStride, bias: nil, activation: activation,
                              constants: owned)
        })
    }
}
