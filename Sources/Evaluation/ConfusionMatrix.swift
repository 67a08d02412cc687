/// Counts of (true label, predicted label) pairs: `counts[true][predicted]`.
public struct ConfusionMatrix: Sendable, Equatable, Codable {
    /// Class names; row and column `i` both stand for `labels[i]`.
    public let labels: [String]
    /// `counts[t][p]` is how many samples of true class `t` were predicted as `p`.
    public private(set) var counts: [[Int]]

    /// An empty matrix for these classes.
    public init(labels: [String]) {
        self.labels = labels
        counts = Array(repeating: Array(repeating: 0, count: labels.count), count: labels.count)
    }

    /// The matrix of paired true and predicted label indices (same length, each in `0..<labels.count`).
    public init(labels: [String], truth: [Int], predicted: [Int]) {
        precondition(truth.count == predicted.count,
                     "ConfusionMatrix: \(truth.count) true labels but \(predicted.count) predictions")
        self.init(labels: labels)
        for (t, p) in zip(truth, predicted) { record(truth: t, predicted: p) }
    }

    /// A matrix from existing counts (square, one row and one column per label).
    public init(labels: [String], counts: [[Int]]) {
        precondition(counts.count == labels.count && counts.allSatisfy { $0.count == labels.count },
                     "ConfusionMatrix: counts must be \(labels.count)x\(labels.count)")
        self.labels = labels
        self.counts = counts
    }

    /// Counts one sample.
    public mutating func record(truth: Int, predicted: Int) {
        precondition(counts.indices.contains(truth) && counts.indices.contains(predicted),
                     "ConfusionMatrix: label index (\(truth), \(predicted)) outside 0..<\(labels.count)")
        counts[truth][predicted] += 1
    }

    /// Adds another matrix over the same labels (e.g. from a parallel worker).
    public mutating func add(_ other: ConfusionMatrix) {
        precondition(other.labels == labels, "ConfusionMatrix: adding a matrix with other labels")
        for t in counts.indices {
            for p in counts.indices { counts[t][p] += other.counts[t][p] }
        }
    }

    /// The number of samples counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// The number of samples predicted correctly (the diagonal).
    public var correct: Int { counts.indices.reduce(0) { $0 + counts[$1][$1] } }
    /// Samples per true class (row sums).
    public var support: [Int] { counts.map { $0.reduce(0, +) } }
    /// Predictions per class (column sums).
    public var predictedCounts: [Int] {
        counts.indices.map { p in counts.reduce(0) { $0 + $1[p] } }
    }

    /// The matrix as an aligned text table: rows are true classes, columns predicted classes.
    public func table() -> String {
        let corner = "true \\ predicted"
        let nameWidth = max(corner.count, labels.map(\.count).max() ?? 0)
        let widest = String(counts.flatMap { $0 }.max() ?? 0).count
        let widths = labels.map { max($0.count, widest) }
        func pad(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        var lines = [pad(corner, nameWidth) + zip(labels, widths).map { "  " + pad($0, $1) }.joined()]
        for (t, row) in counts.enumerated() {
            lines.append(pad(labels[t], nameWidth) + zip(row, widths).map { "  " + pad(String($0), $1) }.joined())
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
