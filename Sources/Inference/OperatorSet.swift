/// The ONNX operators the engine implements, as `OperatorTable` registers them.
public enum OperatorSet {
    /// One registered operator and what the engine can do with it.
    public struct Registration: Sendable, Equatable {
        /// The ONNX op type.
        public let name: String
        /// Whether it is computed at load time when its inputs are constants.
        public let folds: Bool
        /// Whether it runs as a kernel on tensors computed at run time.
        public let runs: Bool
    }

    /// Every registration in table order (a name registered twice would appear twice).
    public static let registrations: [Registration] = OperatorTable.definitions.map {
        Registration(name: $0.name, folds: $0.fold != nil, runs: $0.plan != nil)
    }

    /// Every operator name a model may use.
    public static let supported: Set<String> = Set(OperatorTable.definitions.map(\.name))
}
