/// A value while a graph is being planned: known at load time, or computed at run time in a slot.
enum PlanValue {
    case constant(ConstantTensor)
    case dynamic(shape: [Int], slot: Int)

    var shape: [Int] {
        switch self {
        case .constant(let t): return t.shape
        case .dynamic(let shape, _): return shape
        }
    }
}

/// One runnable step before memory is assigned: what it reads and writes, and how to build it.
struct PlannedStep {
    let node: String
    let op: String
    let reads: [Int]
    let writes: [Int]
    let macs: Int
    /// Builds the kernel given slot pointers and the shared scratch buffer.
    let build: (_ slot: PointerResolver, _ scratch: UnsafeMutablePointer<Float>) -> Kernel
}

/// The result of planning a graph for fixed input shapes.
struct GraphPlan {
    var slotSizes: [Int]
    var steps: [PlannedStep]
    var inputs: [(name: String, slot: Int, shape: [Int])]
    var outputs: [(name: String, slot: Int, shape: [Int])]
    var scratchSize: Int
}
