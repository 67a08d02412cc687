/// Conv (with a following BatchNormalization and activation folded in) and BatchNormalization.
enum ConvOperators {
    static let definitions: [OperatorDefinition] = [
        OperatorDefinition("Conv", plan: { try $0.planConv($1, $2) }),
        OperatorDefinition("BatchNormalization", plan: { try $0.planBatchNorm($1, $2) }),
    ]
}

/// A Conv node resolved for planning: geometry, folded weights, fused activation and its slots.
struct ResolvedConv {
    let node: Node
    /// The step's name in profiles: the node's, and those of the nodes fused into its kernel.
    var label: String
    let geometry: ConvGeometry
    let xSlot: Int
    var ySlot: Int
    /// Whether a 2x2 stride-2 max pool follows in the same kernel (`ySlot` is then the pool's output).
    var pooled = false
    /// A 1x1 convolution that follows in the same kernel, band by band (`ySlot` is then its output).
    var pointwise: FusedPointwise?
    /// The other operand of a residual Add fused into the epilogue (before the activation), or nil.
    var residualSlot: Int? = nil
    /// The name of the value the kernel writes (after any fused BatchNormalization and activation).
    let output: String
    let weights: [Float], bias: [Float]
    let activation: Activation
    var macs: Int
}

/// A 1x1 convolution (BatchNormalization and activation folded) fused after the convolution it reads.
struct FusedPointwise {
    let outChannels: Int
    let weights: [Float], bias: [Float]
    let activation: Activation
}

/// Planning of Conv and BatchNormalization.
extension GraphPlanner {
    mutating func planConv(_ node: Node, _ inputs: [PlanValue?]) throws {
        var conv = try resolveConv(node, inputs)
        if let pooled = fusedPool(after: conv) {
            conv.ySlot = pooled.slot
            conv.pooled = true
            conv.label = pooled.label
        } else if let next = try fusedPointwise(after: conv) {
            conv.pointwise = FusedPointwise(outChannels: next.geometry.outChannels, weights: next.weights,
                                            bias: next.bias, activation: next.activation)
            conv.ySlot = next.ySlot
            conv.label += "+" + next.label
            conv.macs += next.macs
        }
        append(conv)
    }

    /// Resolves a Conv node: its geometry, its weights with a following BatchNormalization folded in, the
    /// activation after it absorbed, and its output registered.
    ///
    /// With `residual`, a following Add whose other operand is already computed, with the same shape, is fused
    /// too (where `ConvKernel.takesResidual` allows): ResNet's and MobileNetV2's shortcuts then cost no pass
    /// of their own over memory.
    mutating func resolveConv(_ node: Node, _ inputs: [PlanValue?], residual: Bool = true) throws -> ResolvedConv {
        let (xShape, xSlot) = try dynamicInput(node, inputs, rank: 4)
        guard let wName = node.input(1), case .constant(let wTensor)? = values[wName], wTensor.shape.count == 4 else {
            throw fail(node, "the weights must be a constant 4-D tensor (only 2-D convolution is supported)")
        }
        let group = node.int("group", default: 1)
        let (m, cPerGroup, kh, kw) = (wTensor.shape[0], wTensor.shape[1], wTensor.shape[2], wTensor.shape[3])
        guard group >= 1, xShape[1] == cPerGroup * group, m % group == 0 else {
            throw fail(node, "input has \(xShape[1]) channels but weights \(wTensor.shape) with group \(group)")
        }
        var geometry = try windowGeometry(node, xShape, kernel: (kh, kw), outChannels: m, group: group)
        let folded = try foldedParameters(node, weights: wTensor)
        let (weights, bias) = (folded.weights, folded.bias)
        var outName = folded.output
        geometry.outChannels = m
        let outShape = [xShape[0], m, geometry.outHeight, geometry.outWidth]
        var residualSlot: Int?, label = node.name
        if residual, ConvKernel.takesResidual(geometry), let fused = absorbAdd(after: outName, shape: outShape) {
            residualSlot = fused.otherSlot
            label += "+" + fused.add.name
            outName = fused.add.outputs[0]
        }
        let (activation, finalName) = fuseActivation(after: outName, channels: m) { shape in
            let padded = [Int](repeating: 1, count: max(0, 4 - shape.count)) + shape
            return padded.count == 4 && padded[0] == 1 && padded[2] == 1 && padded[3] == 1
        }
        let ySlot = output(finalName, shape: outShape)
        return ResolvedConv(node: node, label: label, geometry: geometry, xSlot: xSlot, ySlot: ySlot,
                            residualSlot: residualSlot, output: finalName, weights: weights, bias: bias,
                            activation: activation, macs: geometry.macs)
    }

    /// A Conv's weights and bias with a following BatchNormalization folded in (and absorbed), and the name of the
    /// value they produce.
    mutating func foldedParameters(_ node: Node, weights wTensor: ConstantTensor) throws
        -> (weights: [Float], bias: [Float], output: String)
    {
        let m = wTensor.shape[0]
        var weights = wTensor.floats
        var bias = [Float](repeating: 0, count: m)
        if let bName = node.input(2) {
            guard case .constant(let b)? = values[bName], b.count == m else { throw fail(node, "bias must be constant [\(m)]") }
            bias = b.floats
        }
        var outName = node.outputs[0]
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
        return (weights, bias, outName)
    }

    /// Appends the kernel of one convolution: depthwise (with a fused max pool), or a product (1x1 or direct).
    mutating func append(_ conv: ResolvedConv) {
        let g = conv.geometry, kernelOptions = options, (xSlot, ySlot) = (conv.xSlot, conv.ySlot)
        let (weights, bias, activation, pooled) = (conv.weights, conv.bias, conv.activation, conv.pooled)
        if g.isDepthwise {
            scratchSize = max(scratchSize, DepthwiseConvKernel.scratchSize(g))
            steps.append(PlannedStep(node: conv.label, op: pooled ? "Conv(depthwise)+MaxPool" : "Conv(depthwise)",
                                     reads: [xSlot], writes: [ySlot], macs: conv.macs) { ptr, scratch in
                DepthwiseConvKernel(geometry: g, x: ptr(xSlot), y: ptr(ySlot), scratch: scratch, weights: weights,
                                    bias: bias, activation: activation, pooled: pooled, options: kernelOptions)
            })
        } else if let pw = conv.pointwise {
            scratchSize = max(scratchSize, ConvKernel.scratchSize(g))
            steps.append(PlannedStep(node: conv.label, op: "Conv+Conv(1x1)", reads: [xSlot], writes: [ySlot],
                                     macs: conv.macs) { ptr, scratch in
                let follower = BandPointwise(inChannels: g.outChannels, outChannels: pw.outChannels, height: g.outHeight,
                                             width: g.outWidth, weights: pw.weights, bias: pw.bias,
                                             activation: pw.activation, y: ptr(ySlot), options: kernelOptions)
                return ConvKernel(geometry: g, x: ptr(xSlot), y: ptr(ySlot), scratch: scratch, weights: weights,
                                  bias: bias, activation: activation, options: kernelOptions, follower: follower)
            })
        } else {
            scratchSize = max(scratchSize, ConvKernel.scratchSize(g))
            let residualSlot = conv.residualSlot
            let op = (g.isPointwise ? "Conv(1x1)" : "Conv") + (residualSlot == nil ? "" : "+Add")
            steps.append(PlannedStep(node: conv.label, op: op, reads: [xSlot] + (residualSlot.map { [$0] } ?? []),
                                     writes: [ySlot], macs: conv.macs) { ptr, scratch in
                ConvKernel(geometry: g, x: ptr(xSlot), y: ptr(ySlot), scratch: scratch, weights: weights, bias: bias,
                           activation: activation, options: kernelOptions, residual: residualSlot.map { ptr($0) })
            })
        }
    }

    /// The 2x2 stride-2 max pool that reads only a stride-1 depthwise 3x3's output, absorbed (its output
    /// registered) so that the depthwise kernel pools each pair of rows as it computes them: YuNet's
    /// pools all follow one, and the unpooled plane then never leaves the cache.
    mutating func fusedPool(after conv: ResolvedConv) -> (slot: Int, label: String)? {
        let g = conv.geometry
        guard g.isDepthwise, DepthwiseConvKernel.pools(g),
              let pool = soleConsumer(of: conv.output), pool.opType == "MaxPool", pool.inputs.first == conv.output,
              pool.outputs.count == 1 || pool.outputs[1].isEmpty,
              pool.ints("kernel_shape") == [2, 2], pool.ints("strides") == [2, 2],
              (pool.ints("pads") ?? [0, 0, 0, 0]) == [0, 0, 0, 0], (pool.ints("dilations") ?? [1, 1]) == [1, 1],
              ["NOTSET", "VALID"].contains(pool.string("auto_pad", default: "NOTSET")),
              pool.int("ceil_mode", default: 0) == 0
        else { return nil }
        // An activation after the pool would fuse into it: left to the pool kernel.
        if let next = soleConsumer(of: pool.outputs[0]), OperatorTable.definition(next.opType)?.fusion != nil {
            return nil
        }
        absorbed.insert(pool.index)
        let slot = output(pool.outputs[0], shape: [g.batch, g.channels, g.outHeight / 2, g.outWidth / 2])
        return (slot, conv.label + "+" + pool.name)
    }

    /// The 1x1 convolution (stride 1, no padding, one group) that alone reads the output of a convolution
    /// running band by band on one thread (a padded or strided stem), resolved and absorbed, so that
    /// `ConvKernel` runs it on each band of rows while they are in cache: YuNet's stem and the 1x1 after it.
    mutating func fusedPointwise(after conv: ResolvedConv) throws -> ResolvedConv? {
        let g = conv.geometry
        guard !g.isDepthwise, conv.residualSlot == nil, options.threads == 1, ConvKernel.runsBanded(g, threads: 1),
              let next = soleConsumer(of: conv.output), next.opType == "Conv", next.inputs.first == conv.output,
              let wName = next.input(1), case .constant(let w)? = values[wName],
              w.shape.count == 4, w.shape[1] == g.outChannels, w.shape[2] == 1, w.shape[3] == 1,
              next.int("group", default: 1) == 1,
              (next.ints("strides") ?? [1, 1]).allSatisfy({ $0 == 1 }),
              (next.ints("pads") ?? [0, 0, 0, 0]).allSatisfy({ $0 == 0 })
        else { return nil }
        let inputs = next.inputs.map { $0.isEmpty ? nil : values[$0] }
        let resolved = try resolveConv(next, inputs, residual: false)
        guard resolved.geometry.isPointwise, resolved.geometry.outPlane == g.outPlane else {
            throw fail(next, "a 1x1 convolution fused after \(conv.node.name) with geometry \(resolved.geometry)")
        }
        absorbed.insert(next.index)
        return resolved
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
}
