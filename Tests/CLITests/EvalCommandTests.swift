import Foundation
import Imaging
import TestSupport
import XCTest

/// `fer-live eval`: the report on a folder of labelled faces.
final class EvalCommandTests: XCTestCase {
    struct Eval: Decodable {
        struct Report: Decodable {
            let accuracy: Double
            let n: Int
            let labels: [String]
            let confusion_matrix: [[Int]]
        }
        let classifier: String
        let images: Int
        let no_face: Int
        let unreadable: Int
        let report: Report
        let no_majority: Int?
        let soft_agreement: Double?
        let folder_report: Report?
    }

    func testSmallFolderWithAliasUnknownFolderAndStrayFiles() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let photo = try ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent("kit_with_rose.jpg").path, as: .gray8)
        for folder in ["happiness", "sad", "contempt"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(folder), withIntermediateDirectories: true)
            for i in 0..<3 {
                let crop = try photo.faceCrop(box: Rect(x: Float(80 + 60 * i), y: 100, width: 100, height: 100),
                                              outputWidth: 48, outputHeight: 48)
                try JPEGEncoder.write(crop, to: dir.appendingPathComponent("\(folder)/\(i).jpg").path)
            }
        }
        try Data("x".utf8).write(to: dir.appendingPathComponent("sad/readme.txt"))
        try Data("not a jpeg".utf8).write(to: dir.appendingPathComponent("sad/broken.jpg"))

        let text = try FerLiveBinary.run(["eval", dir.path])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stderr.contains("contempt: not one of the model's emotions"), text.stderr)
        XCTAssertTrue(text.stderr.contains("1 files are not images"), text.stderr)
        XCTAssertTrue(text.stderr.contains("skipped \(dir.path)/sad/broken.jpg"), text.stderr)
        XCTAssertTrue(text.stdout.contains("precision    recall  f1-score   support"), text.stdout)
        XCTAssertTrue(text.stdout.contains("confusion matrix"), text.stdout)

        let json = try FerLiveBinary.run(["eval", "--json", dir.path])
        XCTAssertEqual(json.status, 0, json.stderr)
        let eval = try JSONDecoder().decode(Eval.self, from: Data(json.stdout.utf8))
        XCTAssertEqual(eval.images, 7)
        XCTAssertEqual(eval.unreadable, 1)
        XCTAssertEqual(eval.report.n, 6)
        XCTAssertEqual(eval.report.confusion_matrix.joined().reduce(0, +), 6)
        // Rows of happy (index 3) and sad (index 4) hold the three images each.
        XCTAssertEqual(eval.report.confusion_matrix[3].reduce(0, +), 3)
        XCTAssertEqual(eval.report.confusion_matrix[4].reduce(0, +), 3)
        // eval measures the network's single pass unless told (the photo and live paths average a flip).
        let single = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(single?["tta"] as? String, "none", json.stdout)

        // Flip averaging is named in the report; the confusion-matrix plot script draws it.
        let flip = try FerLiveBinary.run(["eval", "--json", "--tta", "flip", dir.path])
        XCTAssertEqual(flip.status, 0, flip.stderr)
        let flipReport = try JSONSerialization.jsonObject(with: Data(flip.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(flipReport?["tta"] as? String, "flip", flip.stdout)
        let reportPath = dir.appendingPathComponent("eval.json").path
        try Data(flip.stdout.utf8).write(to: URL(fileURLWithPath: reportPath))
        let svg = dir.appendingPathComponent("confusion.svg").path
        let plot = try Subprocess.run("/usr/bin/python3", [
            TestPaths.repository.appendingPathComponent("Models/tools/plot_confusion.py").path, reportPath, svg])
        XCTAssertEqual(plot.status, 0, plot.stderr)
        let drawing = try String(contentsOfFile: svg, encoding: .utf8)
        XCTAssertTrue(drawing.hasPrefix("<svg") && drawing.contains("+ flip"), drawing)
        XCTAssertEqual(drawing.components(separatedBy: "<rect x=").count - 1, 49, "a 7x7 grid")
        let badTTA = try FerLiveBinary.run(["eval", "--tta", "rotate", dir.path])
        XCTAssertNotEqual(badTTA.status, 0)
        XCTAssertTrue(badTTA.stderr.contains("tta"), badTTA.stderr)

        let missing = try FerLiveBinary.run(["eval", dir.appendingPathComponent("nope").path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("nope"), missing.stderr)
    }

    /// For every shipped classifier, fer-live's accuracy on FER2013 PublicTest must be within half a point
    /// of ONNX Runtime's with the same preprocessing (Models/tools/ort_eval.py); the default must be the
    /// most accurate of them on the FER+ majority vote (what people see), when the votes are there.
    func testAccuracyOnFER2013ValMatchesONNXRuntime() throws {
        guard let val = TestPaths.shared("data/fer2013/val") else { throw XCTSkip(TestPaths.skipMessage("data/fer2013/val")) }
        let votes = TestPaths.shared("data/fer2013/ferplus_votes.csv")
        let models = TestPaths.models.appendingPathComponent("emotion")
        let shipped = try TestPaths.shippedClassifiers()
        XCTAssertFalse(shipped.isEmpty)
        var accuracies: [String: Double] = [:], ferplus: [String: Double] = [:]
        for name in shipped {
            let file = "\(name).onnx"
            let ours = try FerLiveBinary.run(["eval", "--json", "--classifier", name, val.path])
            XCTAssertEqual(ours.status, 0, ours.stderr)
            let eval = try JSONDecoder().decode(Eval.self, from: Data(ours.stdout.utf8))
            XCTAssertEqual(eval.classifier, file)
            XCTAssertEqual(eval.images, 3589)
            let reference = try ONNXRuntimeReference.runPython([
                    TestPaths.repository.appendingPathComponent("Models/tools/ort_eval.py").path,
                    models.appendingPathComponent(file).path,
                    models.appendingPathComponent("\(name).json").path, val.path, "--json"])
            XCTAssertEqual(reference.status, 0, reference.stderr)
            struct ORT: Decodable { let accuracy: Double }
            let ort = try JSONDecoder().decode(ORT.self, from: Data(reference.stdout.utf8))
            XCTAssertEqual(eval.report.accuracy, ort.accuracy, accuracy: 0.005, name)
            XCTAssertGreaterThan(eval.report.accuracy, 0.6, name)
            accuracies[name] = eval.report.accuracy
            if let votes {
                let plus = try FerLiveBinary.run(["eval", "--json", "--classifier", name, "--labels", votes.path, val.path])
                XCTAssertEqual(plus.status, 0, plus.stderr)
                let e = try JSONDecoder().decode(Eval.self, from: Data(plus.stdout.utf8))
                XCTAssertEqual(e.report.n + (e.no_majority ?? -1), 3579, "every image with votes is scored or left out")
                XCTAssertEqual(e.folder_report?.accuracy ?? 0, eval.report.accuracy, accuracy: 0.01, name)
                XCTAssertGreaterThan(e.soft_agreement ?? 0, 0.5, name)
                ferplus[name] = e.report.accuracy
            }
        }
        var arguments = ["eval", "--json", val.path]
        if let votes { arguments += ["--labels", votes.path] }
        let byDefault = try FerLiveBinary.run(arguments)
        XCTAssertEqual(byDefault.status, 0, byDefault.stderr)
        let eval = try JSONDecoder().decode(Eval.self, from: Data(byDefault.stdout.utf8))
        let scores = votes == nil ? accuracies : ferplus
        XCTAssertEqual(eval.report.accuracy, scores.values.max() ?? 0,
                       "the default (\(eval.classifier)) is the most accurate shipped classifier: \(scores)")
    }

    /// `calibrate.py --flip` measures the confidence of what fer-live computes with `--tta flip` (each view scaled by
    /// the temperature, then averaged): its accuracy must be fer-live's within half a point, and its calibration
    /// error at the shipped temperature must meet the 0.05.
    func testCalibrationWithFlipAveragingMatchesTheEngine() throws {
        guard let val = TestPaths.shared("data/fer2013/val") else { throw XCTSkip(TestPaths.skipMessage("data/fer2013/val")) }
        guard let votes = TestPaths.shared("data/fer2013/ferplus_votes.csv") else {
            throw XCTSkip(TestPaths.skipMessage("data/fer2013/ferplus_votes.csv"))
        }
        let name = "ferplus_resnet24", models = TestPaths.models.appendingPathComponent("emotion")
        let ours = try FerLiveBinary.run(["eval", "--json", "--classifier", name, "--tta", "flip", "--labels", votes.path, val.path])
        XCTAssertEqual(ours.status, 0, ours.stderr)
        let eval = try JSONDecoder().decode(Eval.self, from: Data(ours.stdout.utf8))
        let tool = try ONNXRuntimeReference.runPython([
            TestPaths.repository.appendingPathComponent("Models/tools/calibrate.py").path,
            models.appendingPathComponent("\(name).onnx").path, models.appendingPathComponent("\(name).json").path,
            val.path, "--ferplus", votes.path, "--flip"])
        XCTAssertEqual(tool.status, 0, tool.stderr)
        // "... accuracy 0.8326" on the first line; "... flip averaging 0.0160" (ECE at the manifest's temperature) on the third.
        let lines = tool.stdout.split(separator: "\n").map(String.init)
        let accuracy = try XCTUnwrap(lines.first?.split(separator: " ").last.flatMap { Double($0) }, tool.stdout)
        XCTAssertEqual(eval.report.accuracy, accuracy, accuracy: 0.005)
        let shipped = try XCTUnwrap(lines.first { $0.hasPrefix("single pass at this temperature") }, tool.stdout)
        let flipECE = try XCTUnwrap(shipped.split(separator: " ").last.flatMap { Double($0) }, shipped)
        XCTAssertLessThanOrEqual(flipECE, 0.05, shipped)
    }

    func testDetectModeAccountsForEveryImage() throws {
        guard let val = TestPaths.shared("data/fer2013/val") else { throw XCTSkip(TestPaths.skipMessage("data/fer2013/val")) }
        let result = try FerLiveBinary.run(["eval", "--json", "--detect", "--limit", "60", val.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let eval = try JSONDecoder().decode(Eval.self, from: Data(result.stdout.utf8))
        XCTAssertEqual(eval.images, 60)
        XCTAssertEqual(eval.report.n + eval.no_face + eval.unreadable, 60)
    }
}
