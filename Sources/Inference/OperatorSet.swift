/// The ONNX operators the engine implements.
public enum OperatorSet {
    /// Every operator name a model may use.
    public static let supported: Set<String> = [
        // Compute
        "Conv", "Gemm", "MatMul", "BatchNormalization",
        // Activations and elementwise
        "Relu", "PRelu", "LeakyRelu", "Sigmoid", "Tanh", "Exp", "Clip",
        "Add", "Sub", "Mul", "Div",
        // Pooling and normalisation
        "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Softmax",
        // Layout
        "Concat", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Slice", "Resize",
        "Upsample", "Identity", "Dropout", "Cast",
        // Shape arithmetic, folded at load time
        "Shape", "Gather", "Constant", "ConstantOfShape", "Range", "Floor", "Ceil",
    ]

    /// Operators that only run at load time: their inputs must be known constants.
    static let foldOnly: Set<String> = ["Shape", "Gather", "Constant", "ConstantOfShape", "Range", "Floor", "Ceil"]
}
