import ArgumentParser
import Classification
import Detection
import Dispatch
import Evaluation
import FaceAnalysis
import Foundation
import Synchronization
import Imaging

/// `fer-live eval DIR`: accuracy, per-class report and confusion matrix on a labelled folder.
struct EvalCommand: ParsableCommand {
    /// `eval` measures the network's single pass unless `--tta` says otherwise (the protocol of Models/README.md
    /// and of ONNX Runtime's reference); what reads faces for a user averages a flip.
    static let testTimeAugmentation = TestTimeAugmentation.none

    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure the classifier on a folder laid out as DIR/<emotion>/*.jpg|png.",
        discussion: """
        Without --detect every image is taken to be a face crop (as in FER2013) and classified whole.
        With --detect the face detector runs first and the largest face is classified; images where no
        face is found count as errors in the overall accuracy and are listed separately.
        With --labels VOTES.csv (FER+'s ferplus_votes.csv) the truth is each image's majority vote instead of
        its folder (images without a clear majority of one of the model's emotions are left out), the soft
        agreement is reported (the mean share of voters who chose the predicted emotion), and the folder
        labels' report follows for comparison.
        """)

    @Argument(help: "Folder with one sub-folder per emotion.")
    var directory: String

    @Flag(help: "Detect faces first (for uncropped photos) and classify the largest.")
    var detect = false

    @Option(help: "Crowd votes per image (FER+'s ferplus_votes.csv): score against the majority vote.")
    var labels: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "Evaluate only the first N images (in a fixed order), for a quick check.")
    var limit: Int?

    @Option(help: "Worker threads (default: the number of cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var recognition: RecognitionOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// What the workers accumulate.
    struct Tally {
        var matrix: ConfusionMatrix
        /// With --labels: the folder labels' matrix, for comparison.
        var folderMatrix: ConfusionMatrix
        var noFace: [String] = []
        var unreadable: [(String, String)] = []
        /// With --labels: images without votes, without a majority, and the soft agreement's sum and count.
        var noVotes = 0
        var noMajority = 0
        var agreementSum = 0.0
        var agreementCount = 0
    }

    func run() throws {
        let locator = try recognition.locator()
        let labels = try recognition.makeClassifier(locator).labels
        let dataset = try LabelledDataset.scan(directory: directory, labels: labels)
        let votes = try self.labels.map { try VoteLabels.load(csv: $0, labels: labels) }
        for folder in dataset.unknownFolders {
            Diagnostics.error("\(directory)/\(folder.name): not one of the model's emotions (\(labels.joined(separator: ", "))); \(folder.fileCount) images not evaluated")
        }
        if !dataset.ignoredFiles.isEmpty {
            Diagnostics.error("\(dataset.ignoredFiles.count) files are not images in an emotion folder and were not evaluated (first: \(dataset.ignoredFiles[0]))")
        }
        let samples = limit.map { Array(dataset.samples.prefix($0)) } ?? dataset.samples
        let tally = Mutex(Tally(matrix: ConfusionMatrix(labels: labels), folderMatrix: ConfusionMatrix(labels: labels)))
        let progress = ProgressBar(total: samples.count, label: "eval")
        let failure = Mutex<Error?>(nil)
        let workers = min(threads, max(samples.count, 1))
        let start = Stopwatch.now()
        let recognition = self.recognition
        let detect = self.detect, directory = self.directory
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            do {
                let classifier = try recognition.makeClassifier(locator, tta: Self.testTimeAugmentation)
                let analyzer = detect ? FaceAnalyzer(detector: try recognition.makeDetector(locator), classifier: classifier) : nil
                for index in stride(from: worker, to: samples.count, by: workers) {
                    let sample = samples[index]
                    let predicted: Int?
                    do {
                        let image = try ImageCodec.decode(fileAt: sample.path, as: classifier.cropFormat)
                        if let analyzer {
                            let faces = try analyzer.detector.detect(in: image).sorted { $0.box.area > $1.box.area }
                            predicted = try faces.first.map { try analyzer.classify(image, $0).topIndex }
                        } else {
                            predicted = try classifier.classify(face: image).topIndex
                        }
                    } catch {
                        tally.withLock { $0.unreadable.append((sample.path, "\(error)")) }
                        progress.advance(by: 1)
                        continue
                    }
                    tally.withLock { t in
                        guard let votes else {
                            if let predicted { t.matrix.record(truth: sample.label, predicted: predicted) }
                            else { t.noFace.append(sample.path) }
                            return
                        }
                        guard let v = votes.votes(forImageAt: sample.path, in: directory) else { t.noVotes += 1; return }
                        if let predicted { t.folderMatrix.record(truth: sample.label, predicted: predicted) }
                        if let shares = v.shares {
                            t.agreementCount += 1
                            t.agreementSum += predicted.map { shares[$0] } ?? 0
                        }
                        guard let truth = v.majority else { t.noMajority += 1; return }
                        if let predicted { t.matrix.record(truth: truth, predicted: predicted) }
                        else { t.noFace.append(sample.path) }
                    }
                    progress.advance(by: 1)
                }
            } catch {
                failure.withLock { $0 = error }
            }
        }
        progress.finish()
        if let error = failure.withLock({ $0 }) { throw error }
        let elapsed = Stopwatch.now() - start
        let result = tally.withLock { $0 }
        let report = ClassificationReport(result.matrix)
        let evaluated = samples.count - result.unreadable.count - result.noVotes - result.noMajority
        let agreement = result.agreementCount > 0 ? result.agreementSum / Double(result.agreementCount) : nil
        let overall = evaluated > 0 ? Double(result.matrix.correct) / Double(evaluated) : 0
        for (path, reason) in result.unreadable.prefix(5) { Diagnostics.error("skipped \(path): \(reason)") }
        if json {
            try JSONOutput.print(EvalJSON(
                directory: directory, classifier: locator.classifier(named: recognition.classifier).lastPathComponent,
                detect: detect, tta: recognition.testTimeAugmentation(default: Self.testTimeAugmentation).rawValue, images: samples.count, unreadable: result.unreadable.count,
                no_face: result.noFace.count, accuracy_all_images: overall, seconds: elapsed / 1000,
                report: report, labels: self.labels, no_votes: votes == nil ? nil : result.noVotes,
                no_majority: votes == nil ? nil : result.noMajority, soft_agreement: agreement,
                folder_report: votes == nil ? nil : ClassificationReport(result.folderMatrix)))
            return
        }
        print("fer-live eval \(directory) — \(locator.classifier(named: recognition.classifier).lastPathComponent)\(detect ? " with face detection" : "")\(recognition.testTimeAugmentation(default: Self.testTimeAugmentation) == .flip ? ", flip averaging" : "")")
        print(String(format: "%d images in %.1f s (%.0f images/s)", samples.count, elapsed / 1000,
                     Double(samples.count) / max(elapsed / 1000, 1e-9)))
        if !result.unreadable.isEmpty { print("\(result.unreadable.count) unreadable images skipped") }
        if detect {
            print(String(format: "no face found in %d images; accuracy over all %d images: %.4f",
                         result.noFace.count, evaluated, overall))
        }
        if let file = self.labels {
            print("truth: the majority vote in \(file); \(result.noMajority) images without a clear majority of one of the "
                  + "model's emotions and \(result.noVotes) without votes left out")
        }
        print(String(format: "\naccuracy: %.4f (%d of %d)\n", report.accuracy, result.matrix.correct, report.n))
        print(report.text(digits: 4))
        if let agreement {
            print(String(format: "\nsoft agreement (mean share of voters who chose the predicted emotion, %d images): %.4f",
                         result.agreementCount, agreement))
            let folder = ClassificationReport(result.folderMatrix)
            print(String(format: "\nthe folder labels, on the same images with votes: accuracy %.4f (%d of %d)\n",
                         folder.accuracy, result.folderMatrix.correct, folder.n))
            print(folder.text(digits: 4))
        }
    }
}

/// The JSON form of an evaluation.
struct EvalJSON: Encodable {
    let directory: String
    let classifier: String
    let detect: Bool
    let tta: String
    let images: Int
    let unreadable: Int
    let no_face: Int
    let accuracy_all_images: Double
    let seconds: Double
    let report: ClassificationReport
    /// With --labels: the votes file, images left out, the soft agreement and the folder labels' report.
    let labels: String?
    let no_votes: Int?
    let no_majority: Int?
    let soft_agreement: Double?
    let folder_report: ClassificationReport?
}
