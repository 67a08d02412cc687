import COpenBLAS
import Foundation

/// A model prepared for fixed input shapes: shapes inferred, constants folded, memory planned once.
///
/// Running allocates nothing. A session is not thread-safe: use one per thread (or serial queue).
public final class InferenceSession: @unchecked Sendable {
    // @unchecked Sendable: a session is handed to the one thread or serial queue that runs it (the classifier's
    // analysis queue, one session per detector thread); nothing in it is touched from two threads at once.
    /// A graph input or output with its resolved shape.
    public struct Binding: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public var count: Int { shape.reduce(1, *) }
    }

    /// Timing of one operator from `profile(runs:)`.
    public struct OperatorTiming: Sendable {
        public let node: String
        public let op: String
        public let macs: Int
        public let milliseconds: Double
    }

    public let model: ONNXModel
    public let inputs: [Binding]
    public let outputs: [Binding]
    /// Multiply-accumulates per run.
    public let macs: Int
    /// Bytes of the activation arena (after buffer reuse) plus scratch.
    public let workspaceBytes: Int
    /// The instruction set the kernels run on.
    public let instructionSet: InstructionSet
    /// Threads that share one run's large convolutions.
    public let threads: Int
    /// `.blocked` when some convolutions run in the blocked layout, else `.planar` (never `.measured`).
    public let layout: InferenceOptions.Layout

    /// The kernels over the arena and scratch they own (freed with the session).
    private let built: Built
    private let kernelInfo: [(node: String, op: String, macs: Int)]
    private let inputPointers: [String: UnsafeMutablePointer<Float>]
    private let outputPointers: [String: UnsafeMutablePointer<Float>]

    /// Prepares `model` for the given input shapes (inputs with fully static shapes may be omitted).
    ///
    /// Where convolutions would run in the blocked layout (`BlockedPlanning`) and the options leave the layout to
    /// measurement (`InferenceOptions.Layout.measured`), the model is built both ways and the faster kept: both give
    /// the same sums in the same order, so the choice changes speed, not output.
    public init(model: ONNXModel, inputShapes: [String: [Int]] = [:], options: InferenceOptions = .init()) throws {
        Self.configureBLAS
        let kernelOptions = try KernelOptions(options)
        instructionSet = kernelOptions.isa
        threads = kernelOptions.threads
        var planner = GraphPlanner(model: model, options: kernelOptions)
        var plan = try planner.plan(inputShapes: inputShapes)
        var built = Built(plan)
        var layout: InferenceOptions.Layout = planner.blocked.isEmpty ? .planar : .blocked
        if !planner.blocked.isEmpty && kernelOptions.measuresLayout {
            var planarPlanner = GraphPlanner(model: model, options: kernelOptions.planar)
            let planarPlan = try planarPlanner.plan(inputShapes: inputShapes)
            let planar = Built(planarPlan)
            let candidates = [built, planar]
            if Autotune.fastest(2, run: { candidates[$0].run() }) == 1 {
                (plan, built, layout) = (planarPlan, planar, .planar)
            }
        }
        self.layout = layout
        self.model = model
        self.built = built
        kernelInfo = plan.steps.map { ($0.node, $0.op, $0.macs) }
        inputs = plan.inputs.map { Binding(name: $0.name, shape: $0.shape) }
        outputs = plan.outputs.map { Binding(name: $0.name, shape: $0.shape) }
        let resolve = built.resolve
        inputPointers = Dictionary(plan.inputs.map { ($0.name, resolve($0.slot)) }, uniquingKeysWith: { a, _ in a })
        outputPointers = Dictionary(plan.outputs.map { ($0.name, resolve($0.slot)) }, uniquingKeysWith: { a, _ in a })
        macs = plan.steps.reduce(0) { $0 + $1.macs }
        workspaceBytes = built.bytes
    }

    /// A plan's kernels over their own arena and scratch, freed with it (the losing candidate's at once).
    private final class Built {
        let arena: UnsafeMutablePointer<Float>
        let scratch: UnsafeMutablePointer<Float>
        let kernels: [Kernel]
        let resolve: PointerResolver
        let bytes: Int

        init(_ plan: GraphPlan) {
            let offsets = MemoryPlanner.assign(plan)
            let arenaSize = max(offsets.total, 1), scratchSize = max(plan.scratchSize, 1)
            let base = alignedFloats(arenaSize)
            base.initialize(repeating: 0, count: arenaSize)
            let scratchBuffer = alignedFloats(scratchSize)
            scratchBuffer.initialize(repeating: 0, count: scratchSize)
            arena = base
            scratch = scratchBuffer
            let resolve: PointerResolver = { base + offsets.offsets[$0] }
            self.resolve = resolve
            kernels = plan.steps.map { $0.build(resolve, scratchBuffer) }
            bytes = (arenaSize + plan.scratchSize) * MemoryLayout<Float>.size
        }

        func run() {
            for kernel in kernels { kernel.run() }
        }

        deinit {
            UnsafeMutableRawPointer(arena).deallocate()
            UnsafeMutableRawPointer(scratch).deallocate()
        }
    }

    /// Keeps OpenBLAS on one thread: parallelism comes from the pipeline, not from inside a product.
    private static let configureBLAS: Void = {
        openblas_set_num_threads(1)
    }()

    /// The buffer to fill with input `name` before `run()`.
    public func inputBuffer(_ name: String) throws -> UnsafeMutableBufferPointer<Float> {
        guard let pointer = inputPointers[name], let binding = inputs.first(where: { $0.name == name }) else {
            throw InferenceError.badInput(model: model.displayName, reason: "the model has no input '\(name)'")
        }
        return UnsafeMutableBufferPointer(start: pointer, count: binding.count)
    }

    /// The buffer of output `name`, valid until the next `run()`.
    public func outputBuffer(_ name: String) throws -> UnsafeBufferPointer<Float> {
        guard let pointer = outputPointers[name], let binding = outputs.first(where: { $0.name == name }) else {
            throw InferenceError.badInput(model: model.displayName, reason: "the model has no output '\(name)'")
        }
        return UnsafeBufferPointer(start: pointer, count: binding.count)
    }

    /// The first (usually only) input buffer.
    public var firstInput: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: inputPointers[inputs[0].name]!, count: inputs[0].count)
    }

    /// Runs the graph on what the input buffers hold.
    public func run() {
        built.run()
    }

    /// Copies `values` into the inputs, runs, and returns every output (convenience; allocates).
    public func run(_ values: [String: [Float]]) throws -> [String: [Float]] {
        for binding in inputs {
            guard let data = values[binding.name] else {
                throw InferenceError.badInput(model: model.displayName, reason: "no value for input '\(binding.name)'")
            }
            guard data.count == binding.count else {
                throw InferenceError.badInput(
                    model: model.displayName,
                    reason: "input '\(binding.name)' needs \(binding.count) values for \(binding.shape), got \(data.count)")
            }
            let buffer = try inputBuffer(binding.name)
            _ = buffer.update(fromContentsOf: data)
        }
        run()
        var result: [String: [Float]] = [:]
        for binding in outputs { result[binding.name] = Array(try outputBuffer(binding.name)) }
        return result
    }

    /// Runs `runs` times and returns each operator's median time.
    public func profile(runs: Int) -> [OperatorTiming] {
        let kernels = built.kernels
        var samples = [[Double]](repeating: [], count: kernels.count)
        for _ in 0..<max(runs, 1) {
            for (i, kernel) in kernels.enumerated() {
                let start = DispatchTime.now().uptimeNanoseconds
                kernel.run()
                samples[i].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
        }
        return zip(kernelInfo, samples).map { info, times in
            OperatorTiming(node: info.node, op: info.op, macs: info.macs, milliseconds: times.sorted()[times.count / 2])
        }
    }
}
