import Evaluation
import Foundation
import XCTest

/// Expected values come from scikit-learn 1.9.1:
/// `classification_report(y_true, y_pred, labels=range(5), target_names=labels, digits=d, zero_division=0)`
/// (installed once for cross-checking; the tests do not need it).
final class ClassificationReportTests: XCTestCase {
    let labels = ["angry", "happy", "sad", "neutral", "fear"]
    // neutral is predicted once but never true; fear is neither true nor predicted.
    let truth = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2]
    let predicted = [0, 1, 0, 1, 1, 1, 3, 2, 0, 2, 1, 2]

    func testConfusionMatrixCountsTrueByPredicted() {
        let matrix = ConfusionMatrix(labels: labels, truth: truth, predicted: predicted)
        XCTAssertEqual(matrix.counts, [[2, 1, 0, 0, 0], [0, 3, 0, 1, 0], [1, 1, 3, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
        XCTAssertEqual(matrix.total, 12)
        XCTAssertEqual(matrix.correct, 8)
        XCTAssertEqual(matrix.support, [3, 4, 5, 0, 0])
        XCTAssertEqual(matrix.predictedCounts, [3, 5, 3, 1, 0])

        var merged = ConfusionMatrix(labels: labels, truth: Array(truth[..<5]), predicted: Array(predicted[..<5]))
        merged.add(ConfusionMatrix(labels: labels, truth: Array(truth[5...]), predicted: Array(predicted[5...])))
        XCTAssertEqual(merged, matrix)
    }

    func testScoresMatchScikitLearn() {
        let report = ClassificationReport(labels: labels, truth: truth, predicted: predicted)
        XCTAssertEqual(report.n, 12)
        XCTAssertEqual(report.accuracy, 0.6666666666666666, accuracy: 1e-12)
        let expected: [(Double, Double, Double, Int)] = [
            (0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 3),
            (0.6, 0.75, 0.6666666666666666, 4),
            (1.0, 0.6, 0.75, 5),
            (0, 0, 0, 0),
            (0, 0, 0, 0),
        ]
        for (scores, (p, r, f, s)) in zip(report.classes, expected) {
            XCTAssertEqual(scores.precision, p, accuracy: 1e-12, scores.label)
            XCTAssertEqual(scores.recall, r, accuracy: 1e-12, scores.label)
            XCTAssertEqual(scores.f1, f, accuracy: 1e-12, scores.label)
            XCTAssertEqual(scores.support, s, scores.label)
        }
        XCTAssertEqual(report.macroAverage.precision, 0.4533333333333333, accuracy: 1e-12)
        XCTAssertEqual(report.macroAverage.recall, 0.4033333333333333, accuracy: 1e-12)
        XCTAssertEqual(report.macroAverage.f1, 0.41666666666666663, accuracy: 1e-12)
        XCTAssertEqual(report.weightedAverage.precision, 0.7833333333333333, accuracy: 1e-12)
        XCTAssertEqual(report.weightedAverage.recall, 0.6666666666666666, accuracy: 1e-12)
        XCTAssertEqual(report.weightedAverage.f1, 0.7013888888888888, accuracy: 1e-12)
    }

    func testTableIsByteIdenticalToScikitLearn() {
        let report = ClassificationReport(labels: labels, truth: truth, predicted: predicted)
        XCTAssertEqual(report.table(digits: 3), """
                      precision    recall  f1-score   support

               angry      0.667     0.667     0.667         3
               happy      0.600     0.750     0.667         4
                 sad      1.000     0.600     0.750         5
             neutral      0.000     0.000     0.000         0
                fear      0.000     0.000     0.000         0

            accuracy                          0.667        12
           macro avg      0.453     0.403     0.417        12
        weighted avg      0.783     0.667     0.701        12

        """)
        XCTAssertEqual(report.table(digits: 4), """
                      precision    recall  f1-score   support

               angry     0.6667    0.6667    0.6667         3
               happy     0.6000    0.7500    0.6667         4
                 sad     1.0000    0.6000    0.7500         5
             neutral     0.0000    0.0000    0.0000         0
                fear     0.0000    0.0000    0.0000         0

            accuracy                         0.6667        12
           macro avg     0.4533    0.4033    0.4167        12
        weighted avg     0.7833    0.6667    0.7014        12

        """)
        // A label longer than "weighted avg" widens the first column.
        let wide = ClassificationReport(labels: ["a", "surprisingly_long_name"], truth: [0, 1, 1, 0, 1], predicted: [1, 1, 1, 0, 0])
        XCTAssertEqual(wide.table(digits: 2),
                       "                        precision    recall  f1-score   support\n\n"
                       + "                     a       0.50      0.50      0.50         2\n"
                       + "surprisingly_long_name       0.67      0.67      0.67         3\n\n"
                       + "              accuracy                           0.60         5\n"
                       + "             macro avg       0.58      0.58      0.58         5\n"
                       + "          weighted avg       0.60      0.60      0.60         5\n")
    }

    func testTextAddsAnAlignedConfusionMatrix() {
        let report = ClassificationReport(labels: labels, truth: truth, predicted: predicted)
        let text = report.text()
        XCTAssertTrue(text.hasPrefix(report.table()))
        XCTAssertTrue(text.hasSuffix("""
        confusion matrix (rows: true class, columns: predicted class)
        true \\ predicted  angry  happy  sad  neutral  fear
                   angry      2      1    0        0     0
                   happy      0      3    0        1     0
                     sad      1      1    3        0     0
                 neutral      0      0    0        0     0
                    fear      0      0    0        0     0

        """), text)
        let wideCounts = ConfusionMatrix(labels: ["a", "b"], counts: [[12345, 0], [7, 1]])
        XCTAssertEqual(wideCounts.table(), """
        true \\ predicted      a      b
                       a  12345      0
                       b      7      1

        """)
    }

    func testJSONCarriesEveryNumber() throws {
        let report = ClassificationReport(labels: labels, truth: truth, predicted: predicted)
        let json = report.json()
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(object["n"] as? Int, 12)
        XCTAssertEqual(object["labels"] as? [String], labels)
        XCTAssertEqual(object["confusion_matrix"] as? [[Int]], report.confusionMatrix)
        XCTAssertEqual((object["accuracy"] as? Double) ?? 0, 2.0 / 3.0, accuracy: 1e-12)
        let macro = try XCTUnwrap(object["macro_avg"] as? [String: Any])
        XCTAssertEqual((macro["f1"] as? Double) ?? 0, 0.41666666666666663, accuracy: 1e-12)
        XCTAssertNotNil(object["weighted_avg"])
        let classes = try XCTUnwrap(object["classes"] as? [[String: Any]])
        XCTAssertEqual(classes.map { $0["label"] as? String }, labels)
        XCTAssertEqual(try JSONDecoder().decode(ClassificationReport.self, from: Data(json.utf8)), report)
    }

    func testEmptyInputScoresZeroWithoutDividingByZero() {
        let report = ClassificationReport(ConfusionMatrix(labels: ["a", "b"]))
        XCTAssertEqual(report.n, 0)
        XCTAssertEqual(report.accuracy, 0)
        XCTAssertEqual(report.macroAverage.f1, 0)
        XCTAssertEqual(report.weightedAverage.precision, 0)
        XCTAssertFalse(report.json().contains("nan"))
    }
}
