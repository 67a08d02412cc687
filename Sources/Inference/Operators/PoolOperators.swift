/// MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool.
enum PoolOperators {
    static let definitions: [OperatorDefinition] = [
        OperatorDefinition("MaxPool", plan: { try $0.planPool($1, $2, isMax: true) }),
        OperatorDefinition("AveragePool", plan: { try $0.planPool($1, $2, isMax: false) }),
        OperatorDefinition("GlobalAveragePool", plan: { try $0.planGlobalPool($1, $2, isMax: false) }),
        OperatorDefinition("GlobalMaxPool", plan: { try $0.planGlobalPool($1, $2, isMax: true) }),
    ]
}

/// Planning of windowed and global pooling.
extension GraphPlanner {
    mutating func planPool(_ node: Node, _ inputs: [PlanValue?], isMax: Bool) throws {
        let (xShape, xSlot) = try dynamicInput(node, inputs, rank: 4)
        guard let kernel = node.ints("kernel_shape"), kernel.count == 2 else {
            throw fail(node, "kernel_shape must have 2 values")
        }
        let g = try windowGeometry(node, xShape, kernel: (kernel[0], kernel[1]), outChannels: xShape[1], group: 1)
        let kind: PoolKernel.Kind = isMax
            ? .max : .average(countIncludePad: node.int("count_include_pad", default: 0) != 0)
        if node.outputs.count > 1 && !node.outputs[1].isEmpty {
            throw fail(node, "the Indices output of MaxPool is not supported")
        }
        let (activation, finalName) = fuseActivation(after: node.outputs[0], channels: xShape[1])
        let ySlot = output(finalName, shape: [xShape[0], xShape[1], g.outHeight, g.outWidth])
        // A max pool computes no sums: any instruction set gives the same bits, so the widest whose
        // vectors fit the output rows (mini_xception's are 30, 15, 8 and 4 wide), at most the session's.
        let narrower = InstructionSet.allCases.filter { $0.isSupported && $0.lanes <= options.isa.lanes }
        let isa = narrower.last { $0.lanes <= g.outWidth } ?? .baseline
        steps.append(PlannedStep(node: node.name, op: node.opType, reads: [xSlot], writes: [ySlot], macs: 0) { ptr, _ in
            PoolKernel(geometry: g, kind: kind, x: ptr(xSlot), y: ptr(ySlot), activation: activation, isa: isa)
        })
    }

    mutating func planGlobalPool(_ node: Node, _ inputs: [PlanValue?], isMax: Bool) throws {
        let (xShape, xSlot) = try dynamicInput(node, inputs)
        guard xShape.count >= 3 else { throw fail(node, "expects rank >= 3, got \(xShape)") }
        let planes = xShape[0] * xShape[1]
        let planeSize = xShape[2...].reduce(1, *)
        let outShape = [xShape[0], xShape[1]] + [Int](repeating: 1, count: xShape.count - 2)
        let ySlot = output(node.outputs[0], shape: outShape)
        steps.append(PlannedStep(node: node.name, op: node.opType, reads: [xSlot], writes: [ySlot], macs: 0) { ptr, _ in
            GlobalPoolKernel(planes: planes, planeSize: planeSize, isMax: isMax, x: ptr(xSlot), y: ptr(ySlot))
        })
    }
}
