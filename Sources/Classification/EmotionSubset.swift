import Foundation

/// A user's choice of emotions (`--emotions happy,sad`), as indices into a model's labels.
///
/// `apply` keeps only the chosen probabilities, in the user's order, and renormalises them to
/// sum to 1, so a face is assigned the most likely of the emotions the user cares about.
public struct EmotionSubset: Sendable, Equatable {
    /// The model's labels, in its output order.
    public let modelLabels: [String]
    /// For each chosen emotion, in the user's order, its index in the model's output.
    public let indices: [Int]

    /// The model's names of the chosen emotions, in the user's order.
    public var labels: [String] { indices.map { modelLabels[$0] } }

    /// Resolves each name against the model's labels (case-insensitive; aliases such as
    /// "happiness" or "anger" match the FER2013 label they stand for).
    public init(modelLabels: [String], names: [String]) throws(EmotionSubsetError) {
        guard !names.isEmpty else { throw .empty }
        var indices: [Int] = []
        for (position, raw) in names.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty else { throw .blankEntry(position: position + 1) }
            let index = modelLabels.firstIndex { $0.lowercased() == name.lowercased() }
                ?? modelLabels.firstIndex { Emotion.sameClass($0, name) }
            guard let index else { throw .unknown(name: name, valid: modelLabels) }
            guard !indices.contains(index) else {
                throw .duplicate(name: name, label: modelLabels[index])
            }
            indices.append(index)
        }
        self.modelLabels = modelLabels
        self.indices = indices
    }

    /// Parses a comma-separated list such as "happy,sad, surprise".
    public init(modelLabels: [String], list: String) throws(EmotionSubsetError) {
        let trimmed = list.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .empty }
        let names = trimmed.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        try self.init(modelLabels: modelLabels, names: names)
    }

    /// The chosen probabilities, in the user's order, renormalised to sum to 1
    /// (uniform when the chosen emotions carry no probability at all).
    public func apply(_ probabilities: [Float]) -> [Float] {
        precondition(probabilities.count == modelLabels.count,
                     "EmotionSubset: \(probabilities.count) probabilities for \(modelLabels.count) labels")
        let chosen = indices.map { max(probabilities[$0], 0) }
        let sum = chosen.reduce(0, +)
        guard sum > 0, sum.isFinite else {
            return [Float](repeating: 1 / Float(chosen.count), count: chosen.count)
        }
        return chosen.map { $0 / sum }
    }
}
