/// Walks the graph once for given input shapes: infers every shape, folds what is constant,
/// fuses BatchNorm and activations into the producing operator, and emits kernels.
struct GraphPlanner {
    let model: ONNXModel
    var values: [String: PlanValue] = [:]
    var slotSizes: [Int] = []
    var steps: [PlannedStep] = []
    var scratchSize = 0
    /// Nodes already absorbed into an earlier node by fusion.
    var absorbed: Set<Int> = []
    /// Values held in the blocked layout (`BlockedPlanning`), some of them only there.
    var blocked: [String: BlockedValue] = [:]
    /// For each value name, the indices of the nodes that read it.
    let consumers: [String: [Int]]
    let graphOutputs: Set<String>
    /// The instruction set and threads the kernels are built for.
    let options: KernelOptions

    init(model: ONNXModel, options: KernelOptions) {
        self.model = model
        self.options = options
        var consumers: [String: [Int]] = [:]
        for node in model.nodes {
            for input in node.inputs where !input.isEmpty { consumers[input, default: []].append(node.index) }
        }
        self.consumers = consumers
        self.graphOutputs = Set(model.outputs.map(\.name))
    }

    // MARK: - Planning

    mutating func plan(inputShapes: [String: [Int]]) throws -> GraphPlan {
        for (name, tensor) in model.initializers { values[name] = .constant(tensor) }
        let known = Set(model.inputs.map(\.name))
        if let unknown = inputShapes.keys.sorted().first(where: { !known.contains($0) }) {
            throw InferenceError.badInput(
                model: model.displayName,
                reason: "the model has no input '\(unknown)' (inputs: \(model.inputs.map(\.name).joined(separator: ", ")))")
        }
        var inputs: [(String, Int, [Int])] = []
        for info in model.inputs {
            let shape = try resolveInputShape(info, given: inputShapes[info.name])
            let slot = newSlot(shape)
            values[info.name] = .dynamic(shape: shape, slot: slot)
            inputs.append((info.name, slot, shape))
        }
        for node in model.nodes where !absorbed.contains(node.index) {
            try plan(node)
        }
        var outputs: [(String, Int, [Int])] = []
        for info in model.outputs {
            planarize(info.name)
            guard let value = values[info.name] else {
                throw InferenceError.invalidModel(model: model.displayName, reason: "no node produces output '\(info.name)'")
            }
            switch value {
            case .dynamic(let shape, let slot):
                outputs.append((info.name, slot, shape))
            case .constant(let tensor):
                let slot = newSlot(tensor.shape)
                let floats = tensor.floats
                steps.append(PlannedStep(node: info.name, op: "Constant", reads: [], writes: [slot], macs: 0) { ptr, _ in
                    FillKernel(values: floats, y: ptr(slot))
                })
                outputs.append((info.name, slot, tensor.shape))
            }
        }
        return GraphPlan(slotSizes: slotSizes, steps: steps, inputs: inputs, outputs: outputs, scratchSize: scratchSize)
    }

    private func resolveInputShape(_ info: ONNXModel.ValueInfo, given: [Int]?) throws -> [Int] {
        let name = model.displayName
        guard let given else {
            if info.dims.allSatisfy({ $0 != nil }) { return info.dims.map { $0! } }
            throw InferenceError.badInput(
                model: name, reason: "input '\(info.name)' has symbolic dimensions \(info): give a shape")
        }
        if !info.dims.isEmpty && given.count != info.dims.count {
            throw InferenceError.badInput(
                model: name,
                reason: "input '\(info.name)' expects rank \(info.dims.count) \(info), got \(given.count) \(given)")
        }
        for (axis, (expected, actual)) in zip(info.dims, given).enumerated() {
            if actual < 1 {
                throw InferenceError.badInput(model: name, reason: "input '\(info.name)' dimension \(axis) is \(actual)")
            }
            if let expected, expected != actual {
                throw InferenceError.badInput(
                    model: name,
                    reason: "input '\(info.name)' dimension \(axis) must be \(expected) \(info), got \(actual)")
            }
        }
        return given
    }

    private mutating func plan(_ node: Node) throws {
        guard let definition = OperatorTable.definition(node.opType), node.domain.isEmpty || node.domain == "ai.onnx" else {
            throw InferenceError.unsupportedOperator(
                op: node.domain.isEmpty ? node.opType : "\(node.domain).\(node.opType)",
                node: node.name, model: model.displayName)
        }
        if node.opType == "Conv", try planBlockedConv(node) { return }
        if node.opType == "MaxPool", try planBlockedMaxPool(node) { return }
        for name in node.inputs { planarize(name) }
        let inputs = try node.inputs.map { name -> PlanValue? in
            if name.isEmpty { return nil }
            guard let value = values[name] else {
                throw fail(node, "reads '\(name)', which no earlier node produces")
            }
            return value
        }
        // Constant folding: everything known (Shape only needs its input's shape).
        let allConstant = inputs.allSatisfy { value in
            if case .dynamic? = value { return false }
            return true
        }
        if allConstant || definition.foldsFromShapes {
            guard let fold = definition.fold else { throw fail(node, "\(node.opType) with only constant inputs cannot be folded") }
            let modelName = model.displayName
            let failure: (String) -> InferenceError = { reason in
                .shapeMismatch(model: modelName, node: node.name, op: node.opType, reason: reason)
            }
            let results = try fold(FoldContext(node: node, opset: model.opsetVersion, inputs: inputs, fail: failure))
            for (name, tensor) in zip(node.outputs, results) where !name.isEmpty { values[name] = .constant(tensor) }
            return
        }
        guard let plan = definition.plan else {
            throw fail(node, "\(node.opType) on a tensor computed at run time is not supported (only shape arithmetic)")
        }
        try plan(&self, node, inputs)
    }

    // MARK: - Helpers for the operator planners

    mutating func newSlot(_ shape: [Int]) -> Int {
        slotSizes.append(max(shape.reduce(1, *), 1))
        return slotSizes.count - 1
    }

    func fail(_ node: Node, _ reason: String) -> InferenceError {
        .shapeMismatch(model: model.displayName, node: node.name, op: node.opType, reason: reason)
    }

    /// The dynamic data input (input 0) of a node.
    func dynamicInput(_ node: Node, _ inputs: [PlanValue?], rank: Int? = nil) throws -> (shape: [Int], slot: Int) {
        guard case .dynamic(let shape, let slot)? = inputs.first ?? nil else {
            throw fail(node, "input 0 must be computed at run time")
        }
        if let rank, shape.count != rank {
            throw fail(node, "expects a rank-\(rank) input, got \(shape)")
        }
        return (shape, slot)
    }

    /// Registers a new runtime output value and returns its slot.
    mutating func output(_ name: String, shape: [Int]) -> Int {
        let slot = newSlot(shape)
        values[name] = .dynamic(shape: shape, slot: slot)
        return slot
    }

    /// The single node reading `name`, when fusing into it is safe.
    func soleConsumer(of name: String) -> Node? {
        guard !graphOutputs.contains(name), let readers = consumers[name], readers.count == 1 else { return nil }
        return model.nodes[readers[0]]
    }

    /// The Add that alone reads `name` (once), when its other operand is already computed with `shape`: absorbed,
    /// with that operand's slot, for a kernel that adds it as it stores (a residual, a feature pyramid's merge).
    mutating func absorbAdd(after name: String, shape: [Int]) -> (add: Node, otherSlot: Int)? {
        guard let add = soleConsumer(of: name), add.opType == "Add", add.inputs.count == 2,
              add.inputs.filter({ $0 == name }).count == 1 else { return nil }
        let other = add.inputs[0] == name ? add.inputs[1] : add.inputs[0]
        guard case .dynamic(let otherShape, let slot)? = values[other], otherShape == shape else { return nil }
        absorbed.insert(add.index)
        return (add, slot)
    }

    /// Absorbs a following activation into the producer of `output`; returns it and the final output name.
    mutating func fuseActivation(after output: String, channels: Int, channelAxisShape: (([Int]) -> Bool)? = nil)
        -> (Activation, String)
    {
        guard let next = soleConsumer(of: output), next.inputs.first == output else { return (.none, output) }
        let fusion = OperatorTable.definition(next.opType)?.fusion
        let activation = fusion?(self, next, channels, channelAxisShape)
        guard let activation else { return (.none, output) }
        absorbed.insert(next.index)
        return (activation, next.outputs[0])
    }

    /// A dynamic input's shape and slot, or a constant materialised into a kernel-owned buffer.
    func operand(_ value: PlanValue?, _ node: Node, _ what: String) throws -> Operand {
        switch value {
        case .dynamic(let shape, let slot)?: return Operand(shape: shape, slot: slot, constant: nil)
        case .constant(let t)?: return Operand(shape: t.shape, slot: nil, constant: t.floats)
        case nil: throw fail(node, "missing \(what)")
        }
    }
}

/// An operand of a runtime kernel: a slot, or constant values the kernel will own.
struct Operand {
    let shape: [Int]
    let slot: Int?
    let constant: [Float]?

    /// Resolves to a pointer, materialising constants into `owned`.
    func pointer(_ ptr: PointerResolver, _ owned: inout [OwnedBuffer]) -> UnsafeMutablePointer<Float> {
        if let slot { return ptr(slot) }
        let buffer = OwnedBuffer(constant ?? [])
        owned.append(buffer)
        return buffer.pointer
    }

    var reads: [Int] { slot.map { [$0] } ?? [] }
}
