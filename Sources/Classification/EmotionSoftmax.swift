import Foundation

/// Turns a classifier's raw logits into probabilities.
public enum Softmax {
    /// Numerically stable softmax (the maximum is subtracted before exponentiating).
    /// Returns a uniform distribution when the logits hold NaN or infinities, and [] for [].
    public static func probabilities(fromLogits logits: [Float]) -> [Float] {
        guard !logits.isEmpty else { return [] }
        let uniform = [Float](repeating: 1 / Float(logits.count), count: logits.count)
        guard logits.allSatisfy(\.isFinite), let maximum = logits.max() else { return uniform }
        var exps = logits.map { exp($0 - maximum) }
        let sum = exps.reduce(0, +)
        for i in exps.indices { exps[i] /= sum }
        return exps
    }
}
