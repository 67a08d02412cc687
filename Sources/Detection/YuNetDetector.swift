import Foundation
import Imaging
import Inference

/// YuNet (libfacedetection) face detector run by fer-live's engine, with its output decoded in Swift.
///
/// The frame is resized so its width is `inputWidth` (aspect kept), padded to multiples of 32,
/// and fed as BGR 0...255. Each stride's head gives per-anchor class and objectness scores
/// (already sigmoid), a box (centre offset in grid units, log size) and five landmarks.
public final class YuNetDetector: FaceDetector {
    /// Tuning knobs, with OpenCV's `FaceDetectorYN` defaults except the threshold.
    public struct Options: Sendable {
        /// Width of the detector's input; the frame is scaled to it (aspect kept). Cost grows with its square.
        public var inputWidth: Int = 320
        /// Minimum score sqrt(cls × obj) of a face.
        public var scoreThreshold: Float = 0.6
        /// IoU above which the weaker of two overlapping faces is dropped.
        public var nmsThreshold: Float = 0.3
        /// Most faces returned.
        public var topK: Int = 750
        /// Scale images to `inputWidth` (true), or take them at their own size, padded to multiples of 32 (false:
        /// the caller has already scaled the frame, e.g. straight from its YUV planes).
        public var scalesInput = true
        /// With `scalesInput`, false takes images at most `inputWidth` wide at their own size (photos are scaled
        /// down to `inputWidth`, never up).
        public var upscales = true
        /// Time each convolution's variants when a new input size is first seen (worth it for a camera's one
        /// size; photos of many sizes use rules instead: the first photo of a size would otherwise take seconds).
        public var tunesKernels = true
        public init() {}
    }

    public let name = "yunet"
    public let landmarkPrior = LandmarkPrior.yunet
    public let options: Options
    private let model: ONNXModel
    private let strides = [8, 16, 32]
    /// One prepared session per padded input size (frames of one camera share one).
    private var sessions: [String: InferenceSession] = [:]

    /// Loads the model; the session for a frame size is prepared on first use.
    public init(modelURL: URL, options: Options = Options()) throws {
        guard options.inputWidth >= 32, options.inputWidth <= 4096 else {
            throw InferenceError.badInput(model: modelURL.lastPathComponent,
                                          reason: "detector input width \(options.inputWidth) must be in 32...4096")
        }
        self.options = options
        self.model = try ONNXModel(contentsOf: modelURL.path)
        let names = Set(model.outputs.map(\.name))
        for kind in ["cls", "obj", "bbox", "kps"] {
            for stride in strides where !names.contains("\(kind)_\(stride)") {
                throw InferenceError.invalidModel(model: model.displayName,
                                                  reason: "not a YuNet model: no output '\(kind)_\(stride)'")
            }
        }
    }

    /// The detector's input size for a frame: width `inputWidth`, height by aspect, both before padding.
    public func inputSize(for image: Image) -> (width: Int, height: Int) {
        guard options.scalesInput, options.upscales || image.width > options.inputWidth else {
            return (image.width, image.height)
        }
        let width = options.inputWidth
        let height = max(1, Int((Float(image.height) * Float(width) / Float(image.width)).rounded()))
        return (width, height)
    }

    public func detect(in image: Image) throws -> [DetectedFace] {
        let (w, h) = inputSize(for: image)
        let paddedW = (w + 31) / 32 * 32, paddedH = (h + 31) / 32 * 32
        let session = try self.session(width: paddedW, height: paddedH)
        let resized = (image.width == w && image.height == h) ? image : image.resized(width: w, height: h)
        try resized.writePlanar(into: session.firstInput, width: paddedW, height: paddedH, order: .bgr)
        session.run()
        let sx = Float(image.width) / Float(w), sy = Float(image.height) / Float(h)
        var candidates: [DetectedFace] = []
        for stride in strides {
            let cls = try session.outputBuffer("cls_\(stride)"), obj = try session.outputBuffer("obj_\(stride)")
            let bbox = try session.outputBuffer("bbox_\(stride)"), kps = try session.outputBuffer("kps_\(stride)")
            let cols = paddedW / stride
            let s = Float(stride)
            for i in 0..<cls.count {
                let score = (min(max(cls[i], 0), 1) * min(max(obj[i], 0), 1)).squareRoot()
                guard score >= options.scoreThreshold else { continue }
                let gx = Float(i % cols), gy = Float(i / cols)
                let cx = (bbox[4 * i] + gx) * s, cy = (bbox[4 * i + 1] + gy) * s
                let bw = Foundation.exp(bbox[4 * i + 2]) * s, bh = Foundation.exp(bbox[4 * i + 3]) * s
                let box = Rect(x: (cx - bw / 2) * sx, y: (cy - bh / 2) * sy, width: bw * sx, height: bh * sy)
                let point = { (k: Int) in
                    Point(x: (kps[10 * i + 2 * k] + gx) * s * sx, y: (kps[10 * i + 2 * k + 1] + gy) * s * sy)
                }
                // YuNet gives the subject's right eye first, which is the one on the image's left.
                let landmarks = FaceLandmarks(leftEye: point(0), rightEye: point(1), nose: point(2),
                                              mouthLeft: point(3), mouthRight: point(4))
                candidates.append(DetectedFace(box: box, score: score, landmarks: landmarks))
            }
        }
        return NonMaximumSuppression.apply(candidates, iouThreshold: options.nmsThreshold, limit: options.topK)
    }

    private func session(width: Int, height: Int) throws -> InferenceSession {
        let key = "\(width)x\(height)"
        if let session = sessions[key] { return session }
        let session = try InferenceSession(
            model: model, inputShapes: [model.inputs[0].name: [1, 3, height, width]],
            options: InferenceOptions(productOrientation: options.tunesKernels ? .measured : .ruled))
        // Keep a handful of sizes (a camera uses one; photos vary).
        if sessions.count >= 8 { sessions.removeAll() }
        sessions[key] = session
        return session
    }
}
