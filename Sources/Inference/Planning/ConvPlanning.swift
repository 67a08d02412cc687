/// Planning of Conv (with BatchNorm and activation folded in), BatchNormalization and pooling.
extension GraphPlanner {
    mutating func planConv(_ node: Node, _ inputs: [PlanValue?]) throws {
        let (xShape, xSlot) = try dynamicInput(node, inputs, rank: 4)
        guard let wName = node.input(1), case .constant(let wTensor)? = values[wName], wTensor.shape.count == 4 else {
            throw fail(node, "the weights must be a constant 4-D tensor (only 2-D convolution is supported)")
        }
        let group = node.int("group", default: 1)
        let (m, cPerGroup, kh, kw) = (wTensor.shape[0], wTensor.shape[1], wTensor.shape[2], wTensor.shape[3])
        guard group >= 1, xShape[1] == cPerGroup * group, m % group == 0 else {
            throw fail(node, "input has \(xShape[1]) channels but weights \(wTensor.shape) with group \(group)")
        }
        var weights = wTensor.floats
        var bias = [Float](repeating: 0, count: m)
        if let bName = node.input(2) {
            guard case .constant(let b)? = values[bName], b.count == m else { throw fail(node, "bias must be constant [\(m)]") }
            bias = b.floats
        }
        var geometry = try windowGeometry(node, xShape, kernel: (kh, kw), outChannels: m, group: group)
        var outName = node.outputs[0]
        // Fold a following BatchNormalization into the weights.
        if let bn = soleConsumer(of: outName), bn.opType == "BatchNormalization", bn.inputs.first == outName,
           let folded = try batchNormCoefficients(bn, channels: m) {
            let perFilter = weights.count / m
            for o in 0..<m {
                for i in 0..<perFilter { weights[o * perFilter + i] *= folded.scale[o] }
                bias[o] = bias[o] * folded.scale[o] + folded.shift[o]
            }
            absorbed.insert(bn.index)
            outName = bn.outputs[0]
        }
        let (activation, finalName) = fuseActivation(after: outName, channels: m) { shape in
            let padded = [Int](repeating: 1, count: max(0, 4 - shape.count)) + shape
            return padded.count == 4 && padded[0] == 1 && padded[2] == 1 && padded[3] == 1
        }
        geometry.outChannels = m
        let outShape = [xShape[0], m, geometry.outHeight, geometry.outWidth]
        let ySlot = output(finalName, shape: outShape)
        let g = geometry, kernelOptions = options
        let macs = g.batch * m * g.outPlane * cPerGroup * kh * kw
        if g.isDepthwise && cPerGroup == 1 {
            scratchSize = max(scratchSize, DepthwiseConvKernel.scratchSize(g))
            steps.append(PlannedStep(node: node.name, op: "Conv(depthwise)", reads: [xSlot], writes: [ySlot], macs: macs) {
                ptr, scratch in
                DepthwiseConvKernel(geometry: g, x: ptr(xSlot), y: ptr(ySlot), scratch: scratch,
                                    weights: weights, bias: bias, activation: activation, options: kernelOptions)
            })
        } else {
            scratchSize = max(scratchSize, ConvKernel.scratchSize(g))
            steps.append(PlannedStep(node: node.name, op: g.isPointwise ? "Conv(1x1)" : "Conv", reads: [xSlot],
                                     writes: [ySlot], macs: macs) { ptr, scratch in
                ConvKernel(geometry: g, x: ptr(xSlot), y: ptr(ySlot), scratch: scratch,
                           weights: weights, bias: bias, activation: activation, options: kernelOptions)
            })
        }
    }

    /// Scale and shift of an inference-mode BatchNormalization, or nil when its parameters are not constant.
    func batchNormCoefficients(_ bn: Node, channels: Int) throws -> (scale: [Float], shift: [Float])? {
        var params: [[Float]] = []
        for i in 1...4 {
            guard let name = bn.input(i), case .constant(let t)? = values[name] else { return nil }
            guard t.count == channels else { throw fail(bn, "parameter \(i) has \(t.count) values for \(channels) channels") }
            params.append(t.floats)
        }
        let epsilon = bn.float("epsilon", default: 1e-5)
        var scale = [Float](repeating: 0, count: channels)
        var shift = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            let s = params[0][c] / (params[3][c] + epsilon).squareRoot()
            scale[c] = s
            shift[c] = params[1][c] - params[2][c] * s
        }
        return (scale, shift)
    }

    mutating func planBatchNorm(_ node: Node, _ inputs: [PlanValue?]) throws {
        let (xShape, xSlot) = try dynamicInput(node, inputs)
        guard xShape.count >= 2 else { throw fail(node, "expects at least rank 2, got \(xShape)") }
        let channels = xShape[1]
        guard let coefficients = try batchNormCoefficients(node, channels: channels) else {
            throw fail(node, "scale, bias, mean and variance must be constants")
        }
        let (activation, finalName) = fuseActivation(after: node.outputs[0], channels: channels)
        let ySlot = output(finalName, shape: xShape)
        let plane = xShape[2...].reduce(1, *)
        let batch = xShape[0]
        steps.append(PlannedStep(node: node.name, op: "BatchNormalization", reads: [xSlot], writes: [ySlot], macs: 0) {
            ptr, _ in
            ChannelAffineKernel(x: ptr(xSlot), y: ptr(ySlot), batch: batch, channels: channels, plane: plane,
                                scale: coefficients.scale, shift: coefficients.shift, activation: activation)
        })
    }

    mutating func planPool(_ node: Node, _ inputs: [PlanValue?]) throws {
        let (xShape, xSlot) = try dynamicInput(node, inputs, rank: 4)
        guard let kernel = node.ints("kernel_shape"), kernel.count == 2 else {
            throw fail(node, "kernel_shape must have 2 values")
        }
        let g = try windowGeometry(node, xShape, kernel: (kernel[0], kernel[1]), outChannels: xShape[1], group: 1)
        let kind: PoolKernel.Kind = node.opType == "MaxPool"
            ? .max : .average(countIncludePad: node.int("count_include_pad", default: 0) != 0)
        if node.outputs.count > 1 && !node.outputs[1].isEmpty {
            throw fail(node, "the Indices output of MaxPool is not supported")
        }
        let (activation, finalName) = fuseActivation(after: node.outputs[0], channels: xShape[1])
        let ySlot = output(finalName, shape: [xShape[0], xShape[1], g.outHeight, g.outWidth])
        steps.append(PlannedStep(node: node.name, op: node.opType, reads: [xSlot], writes: [ySlot], macs: 0) { ptr, _ in
            PoolKernel(geometry: g, kind: kind, x: ptr(xSlot), y: ptr(ySlot), activation: activation)
        })
    }

    mutating func planGlobalPool(_ node: Node, _ inputs: [PlanValue?]) throws {
        let (xShape, xSlot) = try dynamicInput(node, inputs)
        guard xShape.count >= 3 else { throw fail(node, "expects rank >= 3, got \(xShape)") }
        let planes = xShape[0] * xShape[1]
        let planeSize = xShape[2...].reduce(1, *)
        let outShape = [xShape[0], xShape[1]] + [Int](repeating: 1, count: xShape.count - 2)
        let ySlot = output(node.outputs[0], shape: outShape)
        let isMax = node.opType == "GlobalMaxPool"
        steps.append(PlannedStep(node: node.name, op: node.opType, reads: [xSlot], writes: [ySlot], macs: 0) { ptr, _ in
            GlobalPoolKernel(planes: planes, planeSize: planeSize, isMax: isMax, x: ptr(xSlot), y: ptr(ySlot))
        })
    }

    /// Output size and padding of a 2-D window (Conv or pooling), following ONNX's auto_pad and ceil_mode rules.
    func windowGeometry(_ node: Node, _ x: [Int], kernel: (Int, Int), outChannels: Int, group: Int) throws
        -> ConvGeometry
    {
        let strides = node.ints("strides") ?? [1, 1]
        let dilations = node.ints("dilations") ?? [1, 1]
        var pads = node.ints("pads") ?? [0, 0, 0, 0]
        guard strides.count == 2, dilations.count == 2, pads.count == 4,
              strides.allSatisfy({ $0 >= 1 }), dilations.allSatisfy({ $0 >= 1 }), pads.allSatisfy({ $0 >= 0 })
        else { throw fail(node, "strides \(strides), dilations \(dilations), pads \(pads) are not valid for 2-D") }
        let ceilMode = node.int("ceil_mode", default: 0) != 0
        let autoPad = node.string("auto_pad", default: "NOTSET")
        let (h, w) = (x[2], x[3])
        let effective = [(kernel.0 - 1) * dilations[0] + 1, (kernel.1 - 1) * dilations[1] + 1]
        var out = [0, 0]
        for (i, size) in [h, w].enumerated() {
            switch autoPad {
            case "SAME_UPPER", "SAME_LOWER":
                out[i] = (size + strides[i] - 1) / strides[i]
                let total = max((out[i] - 1) * strides[i] + effective[i] - size, 0)
                let small = total / 2
                pads[i] = autoPad == "SAME_UPPER" ? small : total - small
                pads[i + 2] = total - pads[i]
            case "VALID":
                pads[i] = 0
                pads[i + 2] = 0
                out[i] = (size - effective[i]) / strides[i] + 1
            case "NOTSET":
                let span = size + pads[i] + pads[i + 2] - effective[i]
                out[i] = ceilMode ? (span + strides[i] - 1) / strides[i] + 1 : span / strides[i] + 1
                // In ceil mode the last window must start inside the input or the left padding.
                if ceilMode && (out[i] - 1) * strides[i] >= size + pads[i] { out[i] -= 1 }
            default:
                throw fail(node, "auto_pad '\(autoPad)' is not valid")
            }
        }
        guard out[0] >= 1, out[1] >= 1, size2Valid(h, w) else {
            throw fail(node, "a \(kernel.0)x\(kernel.1) window does not fit a \(h)x\(w) input")
        }
        // Extra bottom/right padding that ceil mode implies for the last window.
        let bottom = max(pads[2], (out[0] - 1) * strides[0] + effective[0] - h - pads[0])
        let right = max(pads[3], (out[1] - 1) * strides[1] + effective[1] - w - pads[1])
        return ConvGeometry(
            batch: x[0], channels: x[1], height: h, width: w,
            outChannels: outChannels, outHeight: out[0], outWidth: out[1],
            kernelH: kernel.0, kernelW: kernel.1, strideH: strides[0], strideW: strides[1],
            dilationH: dilations[0], dilationW: dilations[1],
            padTop: pads[0], padLeft: pads[1], padBottom: bottom, padRight: right, group: group)
    }

    private func size2Valid(_ h: Int, _ w: Int) -> Bool { h >= 1 && w >= 1 }
}
