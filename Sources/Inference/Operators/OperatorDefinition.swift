/// One ONNX operator as the engine implements it: how it folds at load time and how it is planned into kernels.
///
/// Shape inference lives in the two functions: a fold computes its outputs' shapes with their values,
/// a planner computes the shapes of the runtime values it emits.
struct OperatorDefinition: Sendable {
    /// Computes the outputs of a node whose inputs are known at load time.
    typealias Fold = @Sendable (FoldContext) throws -> [ConstantTensor]
    /// Infers the output shapes of a node with a runtime input and appends its kernels to the plan.
    typealias Plan = @Sendable (inout GraphPlanner, Node, [PlanValue?]) throws -> Void
    /// The activation a node becomes when fused into the operator producing its input, or nil when it cannot be:
    /// the planner, the node, the producer's channel count and a test that a per-channel shape fits the producer.
    typealias Fusion = @Sendable (GraphPlanner, Node, Int, (([Int]) -> Bool)?) -> Activation?

    /// The ONNX op type.
    let name: String
    /// Folding when every input is constant; nil when the operator cannot be folded.
    let fold: Fold?
    /// Planning when an input is computed at run time; nil for operators that only run at load time.
    let plan: Plan?
    /// Folds from its inputs' shapes alone, so also when an input is computed at run time (Shape).
    let foldsFromShapes: Bool
    /// How the operator fuses into its producer as an activation; nil when it never does.
    let fusion: Fusion?

    init(_ name: String, foldsFromShapes: Bool = false, fold: Fold? = nil, plan: Plan? = nil, fusion: Fusion? = nil) {
        self.name = name
        self.foldsFromShapes = foldsFromShapes
        self.fold = fold
        self.plan = plan
        self.fusion = fusion
    }

    /// Whether the operator only runs at load time: its inputs must be known constants.
    var isFoldOnly: Bool { plan == nil }
}
