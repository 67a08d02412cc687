import Foundation
import Imaging
import Inference

/// Runs an ONNX emotion classifier described by its manifest on face crops.
///
/// Not thread-safe (it owns one prepared session): use one per thread.
public final class EmotionClassifier {
    public let manifest: ClassifierManifest
    /// The labels predictions are reported in (the `--emotions` subset when one is given).
    public let labels: [String]
    public let modelURL: URL
    /// `.flip` also classifies the mirrored crop and averages the two (twice the cost).
    public var testTimeAugmentation: TestTimeAugmentation = .none
    private let subset: EmotionSubset?
    private let session: InferenceSession
    private let pixelFormat: PixelFormat
    private let order: ChannelOrder

    /// Loads `modelURL` and the manifest beside it; `emotions` restricts and renormalises to a subset;
    /// `threads` share each classification's large convolutions (for big models one brings: the shipped
    /// ones are fastest on one).
    public init(modelURL: URL, emotions: [String]? = nil, threads: Int = 1) throws {
        let manifest = try ClassifierManifest.load(forModelAt: modelURL.path)
        let model = try ONNXModel(contentsOf: modelURL.path)
        guard let input = model.inputs.first(where: { $0.name == manifest.input.name }) else {
            throw InferenceError.badInput(
                model: model.displayName,
                reason: "the manifest names input '\(manifest.input.name)', the model has \(model.inputs.map(\.name))")
        }
        guard model.outputs.contains(where: { $0.name == manifest.output.name }) else {
            throw InferenceError.badInput(
                model: model.displayName,
                reason: "the manifest names output '\(manifest.output.name)', the model has \(model.outputs.map(\.name))")
        }
        let shape = [1, manifest.input.channels, manifest.input.height, manifest.input.width]
        session = try InferenceSession(model: model, inputShapes: [input.name: shape],
                                       options: InferenceOptions(threads: threads))
        let outputCount = try session.outputBuffer(manifest.output.name).count
        guard outputCount == manifest.labels.count else {
            throw InferenceError.badInput(
                model: model.displayName,
                reason: "the model gives \(outputCount) outputs but the manifest lists \(manifest.labels.count) labels")
        }
        self.manifest = manifest
        self.modelURL = modelURL
        if let emotions {
            let subset = try EmotionSubset(modelLabels: manifest.labels, names: emotions)
            self.subset = subset
            labels = subset.labels
        } else {
            subset = nil
            labels = manifest.labels
        }
        switch manifest.input.color {
        case .gray: (pixelFormat, order) = (.gray8, .gray)
        case .rgb: (pixelFormat, order) = (.rgb8, .rgb)
        case .bgr: (pixelFormat, order) = (.rgb8, .bgr)
        }
    }

    /// The crop size and pixel format the network takes.
    public var inputSize: (width: Int, height: Int) { (manifest.input.width, manifest.input.height) }

    /// The pixel format crops should be made in.
    public var cropFormat: PixelFormat { pixelFormat }

    /// The face crop the network expects for a face with `box` and five `landmarks` (image pixels; left eye,
    /// right eye, nose, mouth left, mouth right).
    ///
    /// With a manifest `framing`, the crop carries the landmarks onto the framing's template (rotation, uniform
    /// scale, shift), so the face is framed as the training faces were; give the detector's landmark prior
    /// placed in the box when the face has no landmarks. Without landmarks it is the square of side
    /// max(width, height) about the box centre. Manifests without `framing` get the box grown by `face_margin`
    /// and stretched to the input, eyes levelled when landmarks are given.
    public func crop(_ image: Image, box: Rect, landmarks: [Point]? = nil) throws -> Image {
        let (width, height) = (manifest.input.width, manifest.input.height)
        let points = landmarks.flatMap { $0.count == 5 && $0.allSatisfy(\.isFinite) ? $0 : nil }
        guard let framing = manifest.framing else {
            return try image.faceCrop(box: box, leftEye: points?[0], rightEye: points?[1], margin: manifest.faceMargin,
                                      outputWidth: width, outputHeight: height, format: pixelFormat)
        }
        if let points, let map = framing.cropMapping(landmarks: points, width: width, height: height) {
            return try image.crop(mapping: map, outputWidth: width, outputHeight: height, format: pixelFormat)
        }
        guard box.isFinite, box.width > 0, box.height > 0 else {
            throw ImagingError.invalidArgument(operation: "faceCrop", detail: "box \(box) must be finite with positive size")
        }
        let side = max(box.width, box.height)
        let square = Rect(x: box.center.x - side / 2, y: box.center.y - side / 2, width: side, height: side)
        return try image.faceCrop(box: square, margin: 0, outputWidth: width, outputHeight: height, format: pixelFormat)
    }

    /// Classifies an image that already is a face (resized to the input size if needed).
    public func classify(face: Image) throws -> EmotionPrediction {
        var crop = face
        if crop.format != pixelFormat { crop = crop.converted(to: pixelFormat) }
        if crop.width != manifest.input.width || crop.height != manifest.input.height {
            crop = crop.resized(width: manifest.input.width, height: manifest.input.height)
        }
        if let contrast = manifest.input.contrast { crop = contrast.apply(to: crop) }
        var probabilities = try probabilities(of: crop)
        if testTimeAugmentation == .flip {
            let mirrored = try self.probabilities(of: crop.mirrored())
            for i in probabilities.indices { probabilities[i] = (probabilities[i] + mirrored[i]) / 2 }
        }
        if let subset { probabilities = subset.apply(probabilities) }
        return EmotionPrediction(labels: labels, probabilities: probabilities)
    }

    /// The network's probabilities for a crop of the input size, over all the model's labels.
    private func probabilities(of crop: Image) throws -> [Float] {
        try crop.writePlanar(into: session.firstInput, width: manifest.input.width, height: manifest.input.height,
                             order: order, scale: manifest.input.scale, mean: manifest.input.mean,
                             std: manifest.input.std)
        session.run()
        return manifest.output.kind.probabilities(from: Array(try session.outputBuffer(manifest.output.name)),
                                                  temperature: manifest.temperature)
    }
}
