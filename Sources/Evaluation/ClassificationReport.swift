import Foundation

/// Accuracy and per-class precision, recall and F1, with exactly the definitions of scikit-learn's
/// `classification_report(y_true, y_pred, labels=range(K), zero_division=0)`.
///
/// Every label is reported, even one with no samples and no predictions (it then scores 0 and
/// still counts in the macro average, as in scikit-learn when `labels` is given).
public struct ClassificationReport: Sendable, Equatable, Codable {
    /// The scores of one class.
    public struct ClassScores: Sendable, Equatable, Codable {
        public let label: String
        /// tp / (tp + fp), 0 when the class was never predicted.
        public let precision: Double
        /// tp / (tp + fn), 0 when the class has no samples.
        public let recall: Double
        /// Harmonic mean of precision and recall, 0 when both are 0.
        public let f1: Double
        /// The number of samples of this class.
        public let support: Int
    }

    /// An average of the per-class scores.
    public struct Average: Sendable, Equatable, Codable {
        public let precision: Double
        public let recall: Double
        public let f1: Double
        /// The total number of samples.
        public let support: Int
    }

    public let labels: [String]
    /// The number of samples.
    public let n: Int
    /// Correct predictions / n (0 when n is 0).
    public let accuracy: Double
    /// One entry per label, in label order.
    public let classes: [ClassScores]
    /// The unweighted mean over all labels.
    public let macroAverage: Average
    /// The mean over labels weighted by support.
    public let weightedAverage: Average
    /// `confusionMatrix[true][predicted]`.
    public let confusionMatrix: [[Int]]

    enum CodingKeys: String, CodingKey {
        case labels, n, accuracy, classes
        case macroAverage = "macro_avg"
        case weightedAverage = "weighted_avg"
        case confusionMatrix = "confusion_matrix"
    }

    /// The report of a confusion matrix.
    public init(_ matrix: ConfusionMatrix) {
        let support = matrix.support
        let predicted = matrix.predictedCounts
        func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }

        var classes: [ClassScores] = []
        for (i, label) in matrix.labels.enumerated() {
            let tp = matrix.counts[i][i]
            let precision = ratio(tp, predicted[i])
            let recall = ratio(tp, support[i])
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            classes.append(ClassScores(label: label, precision: precision, recall: recall, f1: f1, support: support[i]))
        }
        let n = matrix.total
        let k = Double(max(classes.count, 1))
        func weighted(_ score: (ClassScores) -> Double) -> Double {
            n == 0 ? 0 : classes.reduce(0) { $0 + score($1) * Double($1.support) } / Double(n)
        }

        labels = matrix.labels
        self.n = n
        accuracy = ratio(matrix.correct, n)
        self.classes = classes
        macroAverage = Average(precision: classes.reduce(0) { $0 + $1.precision } / k,
                               recall: classes.reduce(0) { $0 + $1.recall } / k,
                               f1: classes.reduce(0) { $0 + $1.f1 } / k,
                               support: n)
        weightedAverage = Average(precision: weighted(\.precision), recall: weighted(\.recall),
                                  f1: weighted(\.f1), support: n)
        confusionMatrix = matrix.counts
    }

    /// The report of paired true and predicted label indices.
    public init(labels: [String], truth: [Int], predicted: [Int]) {
        self.init(ConfusionMatrix(labels: labels, truth: truth, predicted: predicted))
    }

    /// The report as pretty-printed JSON with sorted keys.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain numbers, strings and arrays cannot fail.
        let data = try! encoder.encode(self)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
