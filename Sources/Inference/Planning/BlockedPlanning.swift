/// Planning of the blocked (NCHWc) layout: convolutions with many channels run from and into blocked tensors
/// (`BlockedConvKernel`, `BlockedDepthwiseKernel`, `BlockedMaxPoolKernel`); a tensor is converted into the layout
/// where a blocked convolution first reads it, and back where any other operator (or the graph's output) does, once
/// each.
extension GraphPlanner {
    /// A tensor held in the blocked layout: its NCHW shape and the slot of its blocked floats.
    struct BlockedValue {
        let shape: [Int]
        let slot: Int
    }

    /// Convolutions run blocked from this many input channels.
    static let blockedChannels = 16

    /// Whether `outputs` channels fill their blocks of 16 to within an eighth: every padded output channel costs
    /// as much as a real one (24 outputs ran at 32 GMAC/s blocked, 48 planar). Only a region's start asks: inside
    /// one, converting out and back in would cost more (MobileNetV2's 24-channel blocks).
    static func fillsBlocks(_ outputs: Int) -> Bool {
        8 * ((outputs + 15) / 16 * 16) <= 9 * outputs
    }

    /// Blocked convolutions a region must reach before it is worth its conversions in and out: YuNet's,
    /// MobileNetV2's and mini_xception's 1x1s stand alone or in pairs between depthwise convolutions, and were
    /// slower blocked (YuNet 320: 1.61 → 2.00 ms); a ResNet is one region from its stem to its pool.
    static let blockedRegionConvs = 3

    /// Whether a Conv node can run blocked, from its attributes and weights alone (no input shape needed): one
    /// group, or depthwise 3x3 at stride 1 or 2 (`BlockedDepthwiseKernel`); with `starting`, only if its outputs
    /// fill their blocks (`fillsBlocks`).
    ///
    /// With `stem`, a convolution of fewer input channels (an image's 1 to 15) that reads NCHW planes qualifies too,
    /// whatever its padding: `BlockedConvKernel` reads them from a bordered copy.
    func blockable(_ node: Node, starting: Bool = true, stem: Bool = false) -> Bool {
        guard node.opType == "Conv", let wName = node.input(1), case .constant(let w)? = values[wName],
              w.shape.count == 4, !starting || Self.fillsBlocks(w.shape[0]),
              (node.ints("dilations") ?? [1, 1]).allSatisfy({ $0 == 1 })
        else { return false }
        let group = node.int("group", default: 1), strides = node.ints("strides") ?? [1, 1]
        if group == 1 {
            if stem && w.shape[1] < Self.blockedChannels { return true }
            guard w.shape[1] >= Self.blockedChannels else { return false }
        } else {
            guard group == w.shape[0], w.shape[1] == 1, w.shape[2] == 3, w.shape[3] == 3, w.shape[0] >= Self.blockedChannels,
                  strides.count == 2, strides[0] == strides[1], [1, 2].contains(strides[0])
            else { return false }
        }
        let pads = node.ints("pads") ?? [0, 0, 0, 0]
        switch node.string("auto_pad", default: "NOTSET") {
        case "NOTSET": return pads.allSatisfy { $0 <= 1 }
        case "VALID": return true
        default: return w.shape[2] <= 3 && w.shape[3] <= 3
        }
    }

    /// Whether a chain of at least `blockedRegionConvs` blockable convolutions, each reading the one before
    /// (through activations, BatchNormalizations, Adds and max pools), starts at `conv`: a region likely worth its
    /// conversions. (The session then times the model with and without it: `InferenceSession`.)
    func startsBlockedRegion(_ conv: Node) -> Bool {
        chainReaches(Self.blockedRegionConvs - 1, from: conv.outputs[0], hops: 16)
    }

    /// Whether `count` more blockable convolutions follow one another from value `name`, within `hops` nodes (a
    /// bound on the walk, whatever the graph).
    private func chainReaches(_ count: Int, from name: String, hops: Int) -> Bool {
        guard count > 0 else { return true }
        guard hops > 0 else { return false }
        return (consumers[name] ?? []).contains { index in
            let node = model.nodes[index]
            if node.opType == "Conv" {
                return node.inputs.first == name && blockable(node)
                    && chainReaches(count - 1, from: node.outputs[0], hops: hops - 1)
            }
            return ["Relu", "LeakyRelu", "PRelu", "Clip", "BatchNormalization", "Add", "MaxPool"].contains(node.opType)
                && chainReaches(count, from: node.outputs[0], hops: hops - 1)
        }
    }

    /// Plans a Conv in the blocked layout when it applies (see `blockable(_:)`, `startsBlockedRegion(_:)`,
    /// `BlockedConvKernel.handles`); false leaves it to `planConv`.
    mutating func planBlockedConv(_ node: Node) throws -> Bool {
        guard options.blocked, let xName = node.inputs.first,
              blockable(node, starting: blocked[xName] == nil, stem: blocked[xName] == nil),
              let wName = node.input(1), case .constant(let wTensor)? = values[wName],
              blocked[xName] != nil || startsBlockedRegion(node)
        else { return false }
        let source: BlockedValue?
        if let value = blocked[xName] {
            source = value
        } else if case .dynamic(let shape, let slot)? = values[xName], shape.count == 4 {
            source = BlockedValue(shape: shape, slot: slot)
        } else {
            source = nil
        }
        let m = wTensor.shape[0], group = node.int("group", default: 1)
        guard let source, source.shape[1] == wTensor.shape[1] * group else { return false }
        var geometry = try windowGeometry(node, source.shape, kernel: (wTensor.shape[2], wTensor.shape[3]),
                                          outChannels: m, group: group)
        geometry.outChannels = m
        let depthwise = geometry.isDepthwise
        // A stem: NCHW planes of fewer channels than a block, read where they are (through a bordered copy).
        let input: BlockedConvKernel.Input = blocked[xName] == nil && geometry.channels < Self.blockedChannels
            ? .planes : .blocked
        guard depthwise ? BlockedDepthwiseKernel.handles(geometry) : BlockedConvKernel.handles(geometry, input: input)
        else { return false }
        if let bName = node.input(2), case .dynamic? = values[bName] { return false }
        let folded = try foldedParameters(node, weights: wTensor)
        var outName = folded.output, label = node.name
        // A sigmoid stays a node of its own (the blocked epilogue is a clamp and a slope).
        let xSlot = input == .planes ? source.slot : blocked[xName]?.slot ?? convertToBlocked(xName, source)
        let outShape = [geometry.batch, m, geometry.outHeight, geometry.outWidth]
        var residualSlot: Int?
        if !depthwise, let add = soleConsumer(of: outName), add.opType == "Add", add.inputs.count == 2,
           add.inputs.filter({ $0 == outName }).count == 1 {
            let other = add.inputs[0] == outName ? add.inputs[1] : add.inputs[0]
            if let value = blocked[other], value.shape == outShape {
                absorbed.insert(add.index)
                residualSlot = value.slot
                label += "+" + add.name
                outName = add.outputs[0]
            }
        }
        var activation = Activation.none
        if soleConsumer(of: outName)?.opType != "Sigmoid" {
            let fused = fuseActivation(after: outName, channels: m)
            (activation, outName) = fused
        }
        let layout = BlockedLayout(outShape)
        let ySlot = newSlot([layout.floats])
        blocked[outName] = BlockedValue(shape: outShape, slot: ySlot)
        let zeroesBorder = readsBorder(outName)
        let (weights, bias, kernelOptions) = (folded.weights, folded.bias, options)
        if depthwise {
            steps.append(PlannedStep(node: label, op: "Conv(blocked depthwise)", reads: [xSlot], writes: [ySlot],
                                     macs: geometry.macs) { ptr, _ in
                BlockedDepthwiseKernel(geometry: geometry, x: ptr(xSlot), y: ptr(ySlot), weights: weights, bias: bias,
                                       activation: activation, zeroesBorder: zeroesBorder, options: kernelOptions)
            })
            return true
        }
        steps.append(PlannedStep(node: label, op: "Conv(blocked)" + (residualSlot == nil ? "" : "+Add"),
                                 reads: [xSlot] + (residualSlot.map { [$0] } ?? []), writes: [ySlot],
                                 macs: geometry.macs) { ptr, _ in
            BlockedConvKernel(geometry: geometry, input: input, x: ptr(xSlot), y: ptr(ySlot),
                              residual: residualSlot.map { ptr($0) },
                              weights: weights, bias: bias, activation: activation, zeroesBorder: zeroesBorder,
                              options: kernelOptions)
        })
        return true
    }

    /// Plans a MaxPool of a tensor held only in the blocked layout as a blocked kernel (a ResNet's pool after its
    /// stem); false leaves it to the planar planner.
    mutating func planBlockedMaxPool(_ node: Node) throws -> Bool {
        guard let xName = node.inputs.first, values[xName] == nil, let source = blocked[xName],
              node.outputs.count == 1 || node.outputs[1].isEmpty,
              let kernel = node.ints("kernel_shape"), kernel.count == 2,
              (node.ints("dilations") ?? [1, 1]).allSatisfy({ $0 == 1 }), node.int("storage_order", default: 0) == 0
        else { return false }
        let channels = source.shape[1]
        let geometry = try windowGeometry(node, source.shape, kernel: (kernel[0], kernel[1]), outChannels: channels,
                                          group: channels)
        let outShape = [geometry.batch, channels, geometry.outHeight, geometry.outWidth]
        let ySlot = newSlot([BlockedLayout(outShape).floats])
        blocked[node.outputs[0]] = BlockedValue(shape: outShape, slot: ySlot)
        let (zeroesBorder, isa, xSlot) = (readsBorder(node.outputs[0]), options.isa, source.slot)
        steps.append(PlannedStep(node: node.name, op: "MaxPool(blocked)", reads: [xSlot], writes: [ySlot], macs: 0) {
            ptr, _ in
            BlockedMaxPoolKernel(geometry: geometry, x: ptr(xSlot), y: ptr(ySlot), zeroesBorder: zeroesBorder, isa: isa)
        })
        return true
    }

    /// The slot of `name` converted into the blocked layout (registered, so that other readers share it).
    private mutating func convertToBlocked(_ name: String, _ value: BlockedValue) -> Int {
        let layout = BlockedLayout(value.shape)
        let slot = newSlot([layout.floats])
        let from = value.slot, isa = options.isa
        steps.append(PlannedStep(node: name, op: "ToBlocked", reads: [from], writes: [slot], macs: 0) { ptr, _ in
            BlockedConversionKernel(.toBlocked, layout: layout, x: ptr(from), y: ptr(slot), isa: isa)
        })
        blocked[name] = BlockedValue(shape: value.shape, slot: slot)
        return slot
    }

    /// Converts `name` back into NCHW where it exists only blocked, before a planar reader or the graph's output.
    mutating func planarize(_ name: String) {
        guard values[name] == nil, let value = blocked[name] else { return }
        let layout = BlockedLayout(value.shape)
        let slot = newSlot(value.shape)
        let from = value.slot, isa = options.isa
        steps.append(PlannedStep(node: name, op: "FromBlocked", reads: [from], writes: [slot], macs: 0) { ptr, _ in
            BlockedConversionKernel(.fromBlocked, layout: layout, x: ptr(from), y: ptr(slot), isa: isa)
        })
        values[name] = .dynamic(shape: value.shape, slot: slot)
    }

    /// Whether some convolution reading `name` pads its input (and so reads the blocked border).
    private func readsBorder(_ name: String) -> Bool {
        (consumers[name] ?? []).contains { index in
            let node = model.nodes[index]
            guard node.opType == "Conv" else { return false }
            return (node.ints("pads") ?? []).contains { $0 != 0 }
                || !["NOTSET", "VALID"].contains(node.string("auto_pad", default: "NOTSET"))
        }
    }
}
