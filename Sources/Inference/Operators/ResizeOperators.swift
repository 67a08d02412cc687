/// Resize and Upsample, nearest neighbour only.
enum ResizeOperators {
    static let definitions: [OperatorDefinition] = [
        OperatorDefinition("Resize", plan: { try $0.planResize($1, $2, isUpsample: false) }),
        OperatorDefinition("Upsample", plan: { try $0.planResize($1, $2, isUpsample: true) }),
    ]
}

/// Planning of nearest-neighbour Resize.
extension GraphPlanner {
    /// Upsample is Resize with the scales of opsets before 11.
    mutating func planResize(_ node: Node, _ inputs: [PlanValue?], isUpsample: Bool) throws {
        let (xShape, xSlot) = try dynamicInput(node, inputs)
        let mode = node.string("mode", default: "nearest")
        guard mode == "nearest" else { throw fail(node, "mode '\(mode)' is not supported (nearest only)") }
        let legacy = isUpsample || model.opsetVersion < 11
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
        // An Add that alone reads an exact 2x upsampling, its other operand already computed with the same shape
        // (a feature pyramid's merge): fused, so that the upsampled tensor is never stored.
        var outName = node.outputs[0], label = node.name, addendSlot: Int?
        if ResizeNearestKernel.doubles(inH: xShape[2], inW: xShape[3], rowMap: rowMap, colMap: colMap),
           let fused = absorbAdd(after: outName, shape: outShape) {
            addendSlot = fused.otherSlot
            outName = fused.add.outputs[0]
            label += "+" + fused.add.name
        }
        let ySlot = output(outName, shape: outShape)
        let planes = xShape[0] * xShape[1]
        let isa = options.isa
        steps.append(PlannedStep(node: label, op: addendSlot == nil ? "Resize" : "Resize+Add",
                                 reads: [xSlot] + (addendSlot.map { [$0] } ?? []), writes: [ySlot], macs: 0) { ptr, _ in
            ResizeNearestKernel(x: ptr(xSlot), y: ptr(ySlot), planes: planes, inH: xShape[2], inW: xShape[3],
                                outH: outShape[2], outW: outShape[3], rowMap: rowMap, colMap: colMap, isa: isa,
                                addend: addendSlot.map { ptr($0) })
        })
    }
}
