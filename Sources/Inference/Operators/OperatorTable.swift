/// Every operator the engine implements, collected from the operator family files.
enum OperatorTable {
    /// All definitions, family by family.
    static let definitions: [OperatorDefinition] =
        ConvOperators.definitions + PoolOperators.definitions + ActivationOperators.definitions
        + ArithmeticOperators.definitions + MathOperators.definitions + ReshapeOperators.definitions
        + LayoutOperators.definitions + ResizeOperators.definitions + ShapeOperators.definitions

    /// The definitions by op type (the first one, should a name be registered twice).
    static let byName: [String: OperatorDefinition] =
        Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    /// The definition of an op type, or nil when the engine does not implement it.
    static func definition(_ opType: String) -> OperatorDefinition? { byName[opType] }
}
