/// Planning of reshapes (free aliases), Transpose, Concat, Slice and nearest Resize.
extension GraphPlanner {
    /// Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout and float Cast share the input's slot.
    mutating func planAlias(_ node: Node, _ inputs: [PlanValue?]) throws {
        let (xShape, xSlot) = try dynamicInput(node, inputs)
        let shape: [Int]
        switch node.opType {
        case "Reshape":
            guard let name = node.input(1), case .constant(let target)? = values[name] else {
                throw fail(node, "the target shape must be known when the model is prepared")
            }
            guard let resolved = Shapes.reshape(xShape, to: target.ints, allowZero: node.int("allowzero", default: 0) != 0)
            else { throw fail(node, "cannot reshape \(xShape) to \(target.ints)") }
            shape = resolved
        case "Flatten":
            guard let axis = Shapes.axis(node.int("axis", default: 1), rank: xShape.count + 1) else {
                throw fail(node, "axis out of range for \(xShape)")
            }
            shape = [xShape[..<axis].reduce(1, *), xShape[axis...].reduce(1, *)]
        case "Squeeze", "Unsqueeze":
            let axes = try axesInput(node)
            shape = try ConstantFolder.squeezeShape(xShape, axes: axes, unsqueeze: node.opType == "Unsqueeze") {
                fail(node, $0)
            }
        case "Cast":
            let to = node.int("to", default: 1)
            guard to == 1 else { throw fail(node, "casting a runtime tensor to type \(to) is not supported (float only)") }
            shape = xShape
        default:
            shape = xShape
        }
        if let mask = node.outputs.dropFirst().first, !mask.isEmpty, node.opType == "Dropout" {
            throw fail(node, "the mask output of Dropout is not supported")
        }
        values[node.outputs[0]] = .dynamic(shape: shape, slot: xSlot)
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
        let spec = try ConstantFolder.sliceSpec(node, shape: xShape, values: { name in
            if case .constant(let t)? = self.values[name] { return t }
            return nil
        }, fail: { fail(node, $0) })
        let ySlot = output(node.outputs[0], shape: spec.outShape)
        steps.append(PlannedStep(node: node.name, op: "Slice", reads: [xSlot], writes: [ySlot], macs: 0) { ptr, _ in
            SliceKernel(x: ptr(xSlot), y: ptr(ySlot), inShape: xShape, starts: spec.starts, steps: spec.steps,
                        outShape: spec.outShape)
        })
    }

    mutating func planResize(_ node: Node, _ inputs: [PlanValue?]) throws {
        let (xShape, xSlot) = try dynamicInput(node, inputs)
        let mode = node.string("mode", default: "nearest")
        guard mode == "nearest" else { throw fail(node, "mode '\(mode)' is not supported (nearest only)") }
        let legacy = node.opType == "Upsample" || model.opsetVersion < 11
        func constant(_ i: Int) -> ConstantTensor? {
            guard let name = node.input(i), case .constant(let t)? = values[name] else { return nil }
            return t.count > 0 ? t : nil
        }
        var scales: [Float]
        var outShape: [Int]
        if legacy {
            guard let s = constant(1)?.floats ?? node.attributes["scales"].flatMap({ if case .floats(let f) = $0 { return f } else { return nil } })
            else { throw fail(node, "scales must be constant") }
            scales = s
            outShape = zip(xShape, s).map { Int((Float($0) * $1).rounded(.down)) }
        } else if let sizes = constant(3) {
            outShape = sizes.ints
            scales = zip(outShape, xShape).map { Float($0) / Float($1) }
        } else if let s = constant(2) {
            scales = s.floats
            outShape = zip(xShape, scales).map { Int((Float($0) * $1).rounded(.down)) }
        } else {
            throw fail(node, "neither scales nor sizes is a known constant")
        }
        guard xShape.count == 4, scales.count == 4, outShape.count == 4, outShape[0] == xShape[0], outShape[1] == xShape[1]
        else { throw fail(node, "only resizing the last two dimensions of a 4-D tensor is supported (\(xShape) → \(outShape))") }
        let transform = legacy ? "asymmetric" : node.string("coordinate_transformation_mode", default: "half_pixel")
        let rounding = legacy ? "floor" : node.string("nearest_mode", default: "round_prefer_floor")
        func map(_ outSize: Int, _ inSize: Int, _ scale: Float) throws -> [Int] {
            try (0..<outSize).map { o -> Int in
                let x: Float
                switch transform {
                case "asymmetric": x = Float(o) / scale
                case "half_pixel": x = (Float(o) + 0.5) / scale - 0.5
                case "pytorch_half_pixel": x = outSize > 1 ? (Float(o) + 0.5) / scale - 0.5 : 0
                case "align_corners": x = outSize > 1 ? Float(o) * Float(inSize - 1) / Float(outSize - 1) : 0
                case "tf_half_pixel_for_nn": x = (Float(o) + 0.5) / scale
                default: throw fail(node, "coordinate_transformation_mode '\(transform)' is not supported")
                }
                let i: Float
                switch rounding {
                case "floor": i = x.rounded(.down)
                case "ceil": i = x.rounded(.up)
                case "round_prefer_ceil": i = (x + 0.5).rounded(.down)
                default: i = x == x.rounded(.down) + 0.5 ? x.rounded(.down) : x.rounded()
                }
                return min(max(Int(i), 0), inSize - 1)
            }
        }
        let rowMap = try map(outShape[2], xShape[2], scales[2])
        let colMap = try map(outShape[3], xShape[3], scales[3])
        let ySlot = output(node.outputs[0], shape: outShape)
        let planes = xShape[0] * xShape[1]
        steps.append(PlannedStep(node: node.name, op: "Resize", reads: [xSlot], writes: [ySlot], macs: 0) { ptr, _ in
            ResizeNearestKernel(x: ptr(xSlot), y: ptr(ySlot), planes: planes, inH: xShape[2], inW: xShape[3],
                                outH: outShape[2], outW: outShape[3], rowMap: rowMap, colMap: colMap)
        })
    }
}
