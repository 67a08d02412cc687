import ArgumentParser
import Classification
import Detection
import FaceAnalysis
import Foundation

/// Options shared by every command that detects and classifies faces.
struct RecognitionOptions: ParsableArguments {
    @Option(help: "Folder of the models (default: found beside the binary or in the build tree).")
    var models: String?

    @Option(help: "Emotion classifier: a shipped name (mini_xception) or a path to an ONNX file with a JSON manifest beside it.")
    var classifier: String = ModelLocator.defaultClassifier

    @Option(help: "Test-time augmentation: none, or flip (classify the mirrored face too and average; twice the cost).")
    var tta: TestTimeAugmentation = .none

    @Option(help: "Report only these emotions, renormalised (e.g. happy,sad,surprise,neutral).")
    var emotions: String?

    @Option(help: "Width in pixels the detector works at (the image is scaled to it). Default: 320 for photos; for video, half the frame width within 320...640.")
    var detectorWidth: Int?

    @Option(help: "Minimum detector score of a face (0-1).")
    var scoreThreshold: Float = 0.6

    /// The emotion subset as a list, when given.
    var emotionList: [String]? {
        emotions.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func validate() throws {
        if let detectorWidth, !(32...4096).contains(detectorWidth) {
            throw ValidationError("--detector-width must be between 32 and 4096, got \(detectorWidth)")
        }
        guard (0...1).contains(scoreThreshold) else {
            throw ValidationError("--score-threshold must be between 0 and 1, got \(scoreThreshold)")
        }
    }

    func locator() throws -> ModelLocator { try ModelLocator(explicit: models) }

    func makeClassifier(_ locator: ModelLocator) throws -> EmotionClassifier {
        let classifier = try EmotionClassifier(modelURL: locator.classifier(named: self.classifier), emotions: emotionList)
        classifier.testTimeAugmentation = tta
        return classifier
    }

    /// The detector for photos (`scalesInput`: it scales each image to the detector width) or for video
    /// (the pipeline hands it frames already scaled).
    func makeDetector(_ locator: ModelLocator, scalesInput: Bool = true) throws -> FaceDetector {
        var options = YuNetDetector.Options()
        options.inputWidth = detectorWidth ?? 320
        options.scalesInput = scalesInput
        options.scoreThreshold = scoreThreshold
        return try YuNetDetector(modelURL: locator.detector, options: options)
    }

    func makeAnalyzer() throws -> FaceAnalyzer {
        let locator = try locator()
        return FaceAnalyzer(detector: try makeDetector(locator), classifier: try makeClassifier(locator))
    }
}

extension TestTimeAugmentation: ExpressibleByArgument {}
