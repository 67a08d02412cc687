/// The classifier's verdict on one face: a probability per label, in the label order.
public struct EmotionPrediction: Sendable, Equatable, Codable {
    public let labels: [String]
    public let probabilities: [Float]

    public init(labels: [String], probabilities: [Float]) {
        precondition(labels.count == probabilities.count, "one probability per label")
        self.labels = labels
        self.probabilities = probabilities
    }

    /// Index of the most probable label.
    public var topIndex: Int {
        probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
    }

    /// The most probable label.
    public var label: String { labels[topIndex] }

    /// Its probability.
    public var confidence: Float { probabilities[topIndex] }
}
