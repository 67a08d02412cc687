import CKernels
import Foundation

/// The vector instructions the engine's kernels run on, chosen at run time from one portable binary.
public enum InstructionSet: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Four-wide vectors: SSE2 on x86-64, NEON on aarch64. Runs on every CPU.
    case baseline
    /// AVX2 with FMA (x86-64-v3: Haswell, Zen and later), eight-wide tiles.
    case avx2
    /// AVX-512 F/VL/DQ/BW (x86-64-v4: Skylake-X, Ice Lake, Zen 4 and later), sixteen-wide tiles.
    case avx512

    var code: Int32 {
        switch self {
        case .baseline: return Int32(FER_ISA_BASELINE.rawValue)
        case .avx2: return Int32(FER_ISA_AVX2.rawValue)
        case .avx512: return Int32(FER_ISA_AVX512.rawValue)
        }
    }

    /// Floats per vector of its kernels.
    var lanes: Int {
        switch self {
        case .baseline: return 4
        case .avx2: return 8
        case .avx512: return 16
        }
    }

    /// Whether this CPU (and this build's architecture) can run it.
    public var isSupported: Bool { fer_isa_supported(code) != 0 }

    /// The widest instruction set this CPU supports.
    public static let best: InstructionSet = allCases.last(where: \.isSupported) ?? .baseline

    /// The instruction sets this CPU supports, narrowest first.
    public static var supported: [InstructionSet] { allCases.filter(\.isSupported) }

    /// `FER_LIVE_ISA` when it is set (to compare kernels, or to rule one out), else `best`.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> InstructionSet {
        try chosenInEnvironment(environment) ?? best
    }

    /// The instruction set `FER_LIVE_ISA` names, or nil when it is not set.
    static func chosenInEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> InstructionSet? {
        guard let value = environment["FER_LIVE_ISA"], !value.isEmpty else { return nil }
        guard let isa = InstructionSet(rawValue: value.lowercased()) else {
            throw InferenceError.badOption(
                "FER_LIVE_ISA=\(value): not one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard isa.isSupported else { throw unsupported("FER_LIVE_ISA=\(value)") }
        return isa
    }

    /// "`what`: this CPU does not have it (it has ...)".
    static func unsupported(_ what: String) -> InferenceError {
        .badOption("\(what): this CPU does not have it (it has \(supported.map(\.rawValue).joined(separator: ", ")))")
    }

    public var description: String { rawValue }
}

/// How a session runs its kernels: which instruction set, and how many threads inside one run.
public struct InferenceOptions: Sendable, Equatable {
    /// Where a convolution's vectors lie: along the pixels or along the output channels.
    public enum ProductOrientation: Sendable, Equatable {
        /// Each convolution times its variants at load time and keeps the fastest (the default).
        case measured
        /// Chosen by rule, without timing: along the channels for narrow planes with 16 or more outputs, else
        /// along the pixels in place. For sessions run once or a few times (a photo's own size), where timing
        /// the variants would cost more than it saves.
        case ruled
        /// Along the pixels (columns), reading the input in place.
        case columns
        /// Along the pixels, through a contiguous copy of each chunk of input (the pack).
        case packedColumns
        /// Along the output channels wherever a layer has 16 or more (to test that path).
        case channels
    }

    /// nil: `FER_LIVE_ISA` if set, else the widest the CPU has.
    public var instructionSet: InstructionSet?
    /// Threads that share one run's large convolutions (1: the calling thread only).
    public var threads: Int
    /// For tests and benchmarks; the result is the same to the bit either way.
    public var productOrientation: ProductOrientation
    /// Where chains of convolutions with many channels run in the blocked (NCHWc) layout.
    public enum Layout: Sendable, Equatable {
        /// The model is built with and without it, each timed, and the faster kept (the default). With the
        /// `.ruled` orientation, which times nothing, planar.
        case measured
        /// Wherever the planner's rule finds a chain for it (`BlockedPlanning`), without timing.
        case blocked
        /// Never.
        case planar
    }

    /// `FER_LIVE_LAYOUT=planar|blocked` overrides `.measured`, to compare.
    public var layout: Layout

    public init(instructionSet: InstructionSet? = nil, threads: Int = 1, productOrientation: ProductOrientation = .measured,
                layout: Layout = .measured) {
        self.instructionSet = instructionSet
        self.threads = threads
        self.productOrientation = productOrientation
        self.layout = layout
    }
}

/// `InferenceOptions` resolved for one session: what the planner builds kernels for.
struct KernelOptions {
    let isa: InstructionSet
    /// The instruction sets a convolution times against each other at load time: only `isa` when it was
    /// chosen (by option or `FER_LIVE_ISA`); AVX-512 and AVX2 when AVX-512 is the default. Their tiles
    /// differ (8 x 48 against 4 x 16), and on CPUs that split 512-bit operations in two (AMD Zen 4)
    /// AVX2's fit some layers better: fer_resnet24 ran in 0.60 ms mixed, 0.70 on either alone. Both fuse
    /// the same sums in the same order, so the results are the same to the bit.
    let candidates: [InstructionSet]
    let threads: Int
    let orientation: InferenceOptions.ProductOrientation
    /// Whether the planner may put chains of convolutions in the blocked layout.
    private(set) var blocked: Bool
    /// Whether the session builds the model planar too, times both and keeps the faster.
    let measuresLayout: Bool

    /// The same options without the blocked layout.
    var planar: KernelOptions {
        var options = self
        options.blocked = false
        return options
    }

    init(_ options: InferenceOptions,
         environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        if let isa = options.instructionSet {
            guard isa.isSupported else { throw InstructionSet.unsupported("instruction set \(isa)") }
            self.isa = isa
            candidates = [isa]
        } else if let chosen = try InstructionSet.chosenInEnvironment() {
            isa = chosen
            candidates = [chosen]
        } else {
            isa = .best
            candidates = isa == .avx512 ? [.avx512, .avx2] : [isa]
        }
        guard options.threads >= 1 else {
            throw InferenceError.badOption("threads \(options.threads): must be at least 1")
        }
        threads = options.threads
        orientation = options.productOrientation
        var layout = options.layout
        if layout == .measured, let value = environment["FER_LIVE_LAYOUT"], !value.isEmpty {
            switch value {
            case "planar": layout = .planar
            case "blocked": layout = .blocked
            default: throw InferenceError.badOption("FER_LIVE_LAYOUT=\(value): not one of planar, blocked")
            }
        }
        if layout == .measured && options.productOrientation == .ruled { layout = .planar }
        blocked = layout != .planar
        measuresLayout = layout == .measured
    }
}
