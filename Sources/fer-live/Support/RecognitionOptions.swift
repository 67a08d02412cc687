import ArgumentParser
import Classification
import Detection
import FaceAnalysis
import Foundation

/// Options shared by every command that detects and classifies faces.
struct RecognitionOptions: ParsableArguments {
    /// YuNet's width for photos without `--detector-width`: the photo's own, scaled down to at most this.
    /// Chosen by `fer-live bench photos` (README, "Detectors"): at 320 px YuNet found 43 % of the faces a person
    /// counts in the shared photos, at the photos' own size 99 %, with fewer false faces.
    static let photoDetectorWidth = 1920

    /// YuNet as photos use it: scaled down to `photoDetectorWidth`, never enlarged, kernels by rule (each photo
    /// may be a size of its own, so timing kernels per size would cost more than it saves).
    static var photoYuNetOptions: YuNetDetector.Options {
        var options = YuNetDetector.Options()
        options.inputWidth = photoDetectorWidth
        options.upscales = false
        options.tunesKernels = false
        return options
    }

    @Option(help: "Folder of the models (default: found beside the binary or in the build tree).")
    var models: String?

    @Option(help: "Emotion classifier: a shipped name (fer_resnet24, mini_xception) or a path to an ONNX file with a JSON manifest beside it.")
    var classifier: String = ModelLocator.defaultClassifier

    @Option(help: "Test-time augmentation: none, or flip (classify the mirrored face too and average; twice the cost of a classification). Default: flip, except `eval`, which measures the network's single pass unless told.")
    var tta: TestTimeAugmentation?

    @Option(help: "Threads that share one classification (for a large classifier you bring, e.g. a ResNet50; the shipped ones are fastest on 1).")
    var classifierThreads: Int = 1

    @Option(help: "Report only these emotions, renormalised (e.g. happy,sad,surprise,neutral).")
    var emotions: String?

    @Option(help: "Face detector: yunet (fast, landmarks), mtcnn (landmarks, slower) or haar (OpenCV's Haar cascade, as the old webcam demos; no landmarks).")
    var detector: DetectorKind = .yunet

    @Option(help: "Width in pixels the detector works at (the image is scaled to it). Default for photos: the photo's own width up to 1920 for yunet (never enlarged), full size for mtcnn and haar; for video, half the frame width within 320...640.")
    var detectorWidth: Int?

    @Option(help: "Minimum detector score of a face, 0-1 (default: 0.6 for yunet, 0.7 for mtcnn's last stage; haar has no threshold).")
    var scoreThreshold: Float?

    @Option(help: "Smallest face searched, in pixels of the detector's input (haar: OpenCV's minSize, default 24; mtcnn: min face size, default 20).")
    var minFaceSize: Int?

    @Option(help: "Image pyramid step (haar: OpenCV's scaleFactor, > 1, default 1.1; mtcnn: factor, < 1, default 0.709).")
    var scaleFactor: Double?

    @Option(help: "haar: candidate windows a face needs around it to be kept (OpenCV's minNeighbors).")
    var minNeighbors: Int = 3

    /// The emotion subset as a list, when given.
    var emotionList: [String]? {
        emotions.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func validate() throws {
        guard (1...64).contains(classifierThreads) else {
            throw ValidationError("--classifier-threads must be between 1 and 64, got \(classifierThreads)")
        }
        if let detectorWidth, !(32...4096).contains(detectorWidth) {
            throw ValidationError("--detector-width must be between 32 and 4096, got \(detectorWidth)")
        }
        if let scoreThreshold, !(0...1).contains(scoreThreshold) {
            throw ValidationError("--score-threshold must be between 0 and 1, got \(scoreThreshold)")
        }
        if let minFaceSize, !(1...4096).contains(minFaceSize) {
            throw ValidationError("--min-face-size must be between 1 and 4096, got \(minFaceSize)")
        }
        if let scaleFactor {
            switch detector {
            case .haar where !(scaleFactor > 1 && scaleFactor <= 4):
                throw ValidationError("--scale-factor for haar must be in (1, 4] (OpenCV's scaleFactor, e.g. 1.1), got \(scaleFactor)")
            case .mtcnn where !(scaleFactor > 0.05 && scaleFactor < 1):
                throw ValidationError("--scale-factor for mtcnn must be in (0.05, 1) (e.g. 0.709), got \(scaleFactor)")
            default: break
            }
        }
        guard (0...1000).contains(minNeighbors) else {
            throw ValidationError("--min-neighbors must be between 0 and 1000, got \(minNeighbors)")
        }
    }

    func locator() throws -> ModelLocator { try ModelLocator(explicit: models) }

    /// What reads faces for a user (the live pipeline, photos, the HTTP analysis, the whole-path benchmark)
    /// classifies each crop and its mirror image: it costs one more classification (0.6 ms) per face and
    /// classification, and cuts the whole path's loss against the classifier on its own crops by about a third
    /// (README, "What the classifier sees").
    static let defaultTestTimeAugmentation = TestTimeAugmentation.flip

    /// `--tta`, or `fallback` when it is not given.
    func testTimeAugmentation(default fallback: TestTimeAugmentation = defaultTestTimeAugmentation) -> TestTimeAugmentation {
        tta ?? fallback
    }

    func makeClassifier(_ locator: ModelLocator, tta fallback: TestTimeAugmentation = defaultTestTimeAugmentation) throws -> EmotionClassifier {
        let classifier = try EmotionClassifier(modelURL: locator.classifier(named: self.classifier), emotions: emotionList,
                                               threads: classifierThreads)
        classifier.testTimeAugmentation = testTimeAugmentation(default: fallback)
        return classifier
    }

    /// The detector for photos (`scalesInput`: it scales each image to the detector width, when one applies) or
    /// for video (the pipeline hands it frames already scaled).
    /// `kind` overrides `--detector` (the detector benchmark builds all three with the same options; a
    /// `--scale-factor` is given only to the detector whose range it fits).
    /// `yunetWidth` replaces the photo default for YuNet when `--detector-width` is not given (benchmarks that
    /// reproduce the live pipeline's width).
    func makeDetector(_ locator: ModelLocator, scalesInput: Bool = true, kind: DetectorKind? = nil,
                      yunetWidth: Int? = nil) throws -> FaceDetector {
        switch kind ?? detector {
        case .yunet:
            let width = detectorWidth ?? yunetWidth
            var options = width == nil && scalesInput ? Self.photoYuNetOptions : YuNetDetector.Options()
            if let width { options.inputWidth = width }
            options.scalesInput = scalesInput
            if let scoreThreshold { options.scoreThreshold = scoreThreshold }
            return try YuNetDetector(modelURL: locator.detector, options: options)
        case .haar:
            var options = HaarDetector.Options()
            options.inputWidth = scalesInput ? detectorWidth : nil
            if let minFaceSize { options.minSize = minFaceSize }
            if let scaleFactor, scaleFactor > 1 { options.scaleFactor = scaleFactor }
            options.minNeighbors = minNeighbors
            return try HaarDetector(cascadeURL: locator.haarCascade, options: options)
        case .mtcnn:
            var options = MTCNNDetector.Options()
            if let minFaceSize { options.minFaceSize = Double(minFaceSize) }
            if let scaleFactor, scaleFactor < 1 { options.scaleFactor = scaleFactor }
            if let scoreThreshold { options.thresholds[2] = scoreThreshold }
            let mtcnn = try MTCNNDetector(models: locator.mtcnn, options: options)
            guard scalesInput, let detectorWidth else { return mtcnn }
            return ScaledFaceDetector(mtcnn, width: detectorWidth)
        }
    }

    func makeAnalyzer() throws -> FaceAnalyzer {
        let locator = try locator()
        return FaceAnalyzer(detector: try makeDetector(locator), classifier: try makeClassifier(locator))
    }
}

extension TestTimeAugmentation: ExpressibleByArgument {}
