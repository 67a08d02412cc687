import Foundation
import Imaging
import Inference

/// MTCNN (Zhang et al. 2016) face detector, run by fer-live's engine as facenet-pytorch's `detect_face` runs it.
///
/// Stage 1: P-Net slides over an image pyramid (area-resampled levels from 12 / `minFaceSize`
/// down by `scaleFactor`); cells scoring ≥ threshold become 12-pixel boxes at stride 2, NMS per
/// level then across levels, box regression, squared. Stage 2: R-Net scores 24x24 area-resampled
/// crops, NMS, regression, squared. Stage 3: O-Net on 48x48 crops gives the final score, the
/// regression and five landmarks; a last NMS by intersection over the smaller box. Boxes are
/// reported with facenet-pytorch's corner values (`x = x1`, `width = x2 - x1`) so they compare
/// one to one with the reference; scores are O-Net's face probability; faces best first.
public final class MTCNNDetector: FaceDetector {
    public let name = "mtcnn"
    public let landmarkPrior = LandmarkPrior.mtcnn
    public let options: Options
    private let pnet: MTCNNNetwork
    private let rnet: MTCNNNetwork
    private let onet: MTCNNNetwork
    private var resampler = AreaResampler()

    /// Loads the three networks; a missing, damaged or wrong file fails with its name in the message.
    public init(models: MTCNNModelFiles, options: Options = Options()) throws {
        if let problem = options.problem {
            throw InferenceError.badInput(model: "mtcnn", reason: problem)
        }
        self.options = options
        pnet = try MTCNNNetwork(url: models.pnet, stage: .proposal)
        rnet = try MTCNNNetwork(url: models.rnet, stage: .refine)
        onet = try MTCNNNetwork(url: models.onet, stage: .output)
    }

    public func detect(in image: Image) throws -> [DetectedFace] {
        let rgb = image.format == .rgb8 ? image : image.converted(to: .rgb8)
        return try rgb.withUnsafePixels { buffer -> [DetectedFace] in
            guard let pixels = buffer.baseAddress else { return [] }
            let source = Source(pixels: pixels, width: rgb.width, height: rgb.height)
            var boxes = try proposals(source)
            guard !boxes.isEmpty else { return [] }
            boxes = try refine(boxes, source)
            guard !boxes.isEmpty else { return [] }
            return try output(boxes, source)
        }
    }

    /// The image being searched.
    private struct Source {
        let pixels: UnsafePointer<UInt8>
        let width: Int
        let height: Int
    }

    // MARK: - Stage 1: P-Net over the pyramid

    private func proposals(_ source: Source) throws -> [MTCNNBox] {
        var all: [MTCNNBox] = []
        let levels = MTCNNPyramid.levels(width: source.width, height: source.height,
                                         minFaceSize: options.minFaceSize, factor: options.scaleFactor)
        for level in levels {
            let session = try pnet.session(batch: 1, height: level.height, width: level.width)
            resampler.resample(source.pixels, imageWidth: source.width,
                               region: (0, 0, source.width, source.height),
                               outWidth: level.width, outHeight: level.height, into: session.firstInput.baseAddress!)
            session.run()
            let reg = try session.outputBuffer("reg"), prob = try session.outputBuffer("prob")
            let shape = session.outputs.first { $0.name == "prob" }!.shape
            let (rows, cols) = (shape[2], shape[3])
            let plane = rows * cols
            let scale = Float(level.scale)
            var found: [MTCNNBox] = []
            for y in 0..<rows {
                for x in 0..<cols {
                    let i = y * cols + x
                    let score = prob[plane + i]
                    guard score >= options.thresholds[0] else { continue }
                    // generateBoundingBox: stride 2, cell 12, one-based corners.
                    let bx = Float(x), by = Float(y)
                    found.append(MTCNNBox(
                        x1: ((2 * bx + 1) / scale).rounded(.down), y1: ((2 * by + 1) / scale).rounded(.down),
                        x2: ((2 * bx + 12) / scale).rounded(.down), y2: ((2 * by + 12) / scale).rounded(.down),
                        score: score,
                        regression: SIMD4(reg[i], reg[plane + i], reg[2 * plane + i], reg[3 * plane + i])))
                }
            }
            all += MTCNNSuppression.iou(found, threshold: options.nmsWithinScale)
        }
        return MTCNNSuppression.iou(all, threshold: options.nmsAcrossScales).map { $0.proposalRegressed().squared() }
    }

    // MARK: - Stage 2: R-Net on 24x24 crops

    private func refine(_ boxes: [MTCNNBox], _ source: Source) throws -> [MTCNNBox] {
        let (candidates, regions) = cropRegions(boxes, source)
        var passed: [MTCNNBox] = []
        try rnet.runBatched(count: candidates.count, fill: { index, destination in
            self.resampler.resample(source.pixels, imageWidth: source.width, region: regions[index],
                                    outWidth: 24, outHeight: 24, into: destination)
        }, read: { index, outputs in
            let score = outputs[1][1]
            guard score > options.thresholds[1] else { return }
            var box = candidates[index]
            box.score = score
            box.regression = SIMD4(outputs[0][0], outputs[0][1], outputs[0][2], outputs[0][3])
            passed.append(box)
        })
        return MTCNNSuppression.iou(passed, threshold: options.nmsAfterRefine).map { $0.regressed().squared() }
    }

    // MARK: - Stage 3: O-Net on 48x48 crops, landmarks

    private func output(_ boxes: [MTCNNBox], _ source: Source) throws -> [DetectedFace] {
        let (candidates, regions) = cropRegions(boxes, source)
        var passed: [MTCNNBox] = []
        var landmarks: [FaceLandmarks] = []
        try onet.runBatched(count: candidates.count, fill: { index, destination in
            self.resampler.resample(source.pixels, imageWidth: source.width, region: regions[index],
                                    outWidth: 48, outHeight: 48, into: destination)
        }, read: { index, outputs in
            let score = outputs[2][1]
            guard score > options.thresholds[2] else { return }
            var box = candidates[index]
            box.score = score
            box.regression = SIMD4(outputs[0][0], outputs[0][1], outputs[0][2], outputs[0][3])
            // Landmarks from the box before regression: x = (x2 - x1 + 1) · p + x1 - 1.
            let w = box.x2 - box.x1 + 1, h = box.y2 - box.y1 + 1
            let p = outputs[1]
            let point = { (k: Int) in Point(x: w * p[k] + box.x1 - 1, y: h * p[5 + k] + box.y1 - 1) }
            // O-Net's first eye is the one on the image's left (the subject's right).
            landmarks.append(FaceLandmarks(leftEye: point(0), rightEye: point(1), nose: point(2),
                                           mouthLeft: point(3), mouthRight: point(4)))
            passed.append(box.regressed())
        })
        return MTCNNSuppression.minimum(passed, threshold: options.nmsAfterOutput).map { i in
            let b = passed[i]
            return DetectedFace(box: Rect(x: b.x1, y: b.y1, width: b.x2 - b.x1, height: b.y2 - b.y1),
                                score: b.score, landmarks: landmarks[i])
        }
    }

    /// The boxes that overlap the image, with the pixels each stage crops for them (`pad` in the reference).
    private func cropRegions(_ boxes: [MTCNNBox], _ source: Source)
        -> ([MTCNNBox], [(x: Int, y: Int, width: Int, height: Int)])
    {
        var kept: [MTCNNBox] = []
        var regions: [(x: Int, y: Int, width: Int, height: Int)] = []
        for box in boxes {
            guard let region = box.cropRegion(imageWidth: source.width, imageHeight: source.height) else { continue }
            kept.append(box)
            regions.append(region)
        }
        return (kept, regions)
    }
}
