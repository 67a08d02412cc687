import Foundation

extension ClassificationReport {
    /// The table scikit-learn's `classification_report(..., digits: digits)` prints, byte for byte.
    public func table(digits: Int = 3) -> String {
        let headers = ["precision", "recall", "f1-score", "support"]
        let width = max(labels.map(\.count).max() ?? 0, "weighted avg".count, digits)
        func right(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        func number(_ value: Double) -> String { right(String(format: "%.\(digits)f", value), 9) }
        func row(_ name: String, _ p: Double, _ r: Double, _ f: Double, _ support: Int) -> String {
            right(name, width) + " " + [number(p), number(r), number(f), right(String(support), 9)]
                .map { " " + $0 }.joined() + "\n"
        }

        var text = right("", width) + " " + headers.map { " " + right($0, 9) }.joined() + "\n\n"
        for scores in classes {
            text += row(scores.label, scores.precision, scores.recall, scores.f1, scores.support)
        }
        text += "\n"
        text += right("accuracy", width) + " " + " " + right("", 9) + " " + right("", 9)
            + " " + number(accuracy) + " " + right(String(n), 9) + "\n"
        text += row("macro avg", macroAverage.precision, macroAverage.recall, macroAverage.f1, n)
        text += row("weighted avg", weightedAverage.precision, weightedAverage.recall, weightedAverage.f1, n)
        return text
    }

    /// The scikit-learn style table followed by the confusion matrix (rows true, columns predicted).
    public func text(digits: Int = 3) -> String {
        let matrix = ConfusionMatrix(labels: labels, counts: confusionMatrix)
        return table(digits: digits) + "\n" + "confusion matrix (rows: true class, columns: predicted class)\n"
            + matrix.table()
    }
}
