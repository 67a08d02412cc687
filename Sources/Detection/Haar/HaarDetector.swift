import Foundation
import Imaging

/// OpenCV's Haar-cascade face detector (`CascadeClassifier::detectMultiScale`, OpenCV 4) in Swift.
///
/// The image is converted to grey (OpenCV's BT.601 integer weights) and scanned over a pyramid of
/// bilinear downscales by `scaleFactor`; each level's sum and squared-sum integral images feed a
/// variance-normalised evaluation of the cascade at every window (step 2 below scale 2, else 1), and the
/// raw hits are merged with OpenCV's `groupRectangles` (eps 0.2, `minNeighbors`).
///
/// Results: boxes in image pixels (square, as OpenCV's), no landmarks, and a score derived from the
/// number of merged candidates n: `n / (n + 10)` (n = 4 → 0.29, 10 → 0.5, 40 → 0.8), so more strongly
/// supported faces rank first. The score is not a probability; compare Haar scores only with each other.
/// One instance per thread (it keeps its working buffers between frames).
public final class HaarDetector: GreyFaceDetector {
    public let name = "haar"
    public let landmarkPrior = LandmarkPrior.haar
    public let options: Options
    public let cascade: HaarCascade
    private var compiled: CompiledHaarCascade?
    private var resizer = GreyResizer()
    private var integrals = IntegralImages()
    private var level: [UInt8] = []
    private var hits: [(x: Int, y: Int)] = []

    /// Loads the cascade XML at `cascadeURL` (throws `HaarCascadeError`).
    public convenience init(cascadeURL: URL, options: Options = Options()) throws {
        try self.init(cascade: HaarCascade(contentsOf: cascadeURL), options: options)
    }

    /// Uses a cascade already loaded; throws `HaarDetectorError` for options out of range.
    public init(cascade: HaarCascade, options: Options = Options()) throws {
        if let problem = options.problem { throw HaarDetectorError.invalidOption(problem) }
        self.cascade = cascade
        self.options = options
    }

    public func detect(in image: Image) throws -> [DetectedFace] {
        let grey = image.converted(to: .gray8)
        guard let width = options.inputWidth, grey.width > width else { return detect(grey: grey) }
        let height = max(1, Int((Double(grey.height) * Double(width) / Double(grey.width)).rounded()))
        let scaled = grey.resized(width: width, height: height)
        let sx = Float(grey.width) / Float(width), sy = Float(grey.height) / Float(height)
        return detect(grey: scaled).map { DetectedFace(box: $0.box.scaled(x: sx, y: sy), score: $0.score) }
    }

    /// Faces in a grey image (e.g. a camera frame's luma plane, with no colour conversion), best first.
    public func detect(grey: Image) -> [DetectedFace] {
        precondition(grey.format == .gray8, "HaarDetector.detect(grey:) needs a gray8 image")
        let grouped = RectangleGrouping.group(candidates(grey: grey), minNeighbors: options.minNeighbors)
        return grouped
            .sorted { $0.neighbors > $1.neighbors }
            .map { g in
                DetectedFace(box: Rect(x: Float(g.box.x), y: Float(g.box.y), width: Float(g.box.width), height: Float(g.box.height)),
                             score: Float(g.neighbors) / Float(g.neighbors + 10))
            }
    }

    /// The raw, ungrouped windows that pass the cascade (OpenCV's output with `minNeighbors` 0), in image pixels.
    func candidates(grey: Image) -> [RectangleGrouping.Box] {
        let scales = pyramidScales(width: grey.width, height: grey.height)
        guard let first = scales.first else { return [] }
        // One integral row stride for the whole frame (the largest level), so offsets are computed once.
        let stride = Int((Float(grey.width) / first).rounded(.toNearestOrEven)) + 1
        if compiled?.stride != stride { compiled = CompiledHaarCascade(cascade, stride: stride) }
        let cascade = compiled!
        var boxes: [RectangleGrouping.Box] = []
        for scale in scales {
            let w = Int((Float(grey.width) / scale).rounded(.toNearestOrEven))
            let h = Int((Float(grey.height) / scale).rounded(.toNearestOrEven))
            if level.count < w * h { level = [UInt8](repeating: 0, count: w * h) }
            grey.withUnsafePixels { src in
                level.withUnsafeMutableBufferPointer { dst in
                    resizer.resize(src.baseAddress!, width: grey.width, height: grey.height,
                                   into: dst.baseAddress!, width: w, height: h)
                }
            }
            level.withUnsafeBufferPointer { integrals.compute($0.baseAddress!, width: w, height: h, stride: stride) }
            hits.removeAll(keepingCapacity: true)
            cascade.scan(integrals, width: w, height: h, step: scale >= 2 ? 1 : 2, into: &hits)
            let windowWidth = Int((Float(cascade.windowWidth) * scale).rounded(.toNearestOrEven))
            let windowHeight = Int((Float(cascade.windowHeight) * scale).rounded(.toNearestOrEven))
            for hit in hits {
                boxes.append(RectangleGrouping.Box(x: Int((Float(hit.x) * scale).rounded(.toNearestOrEven)),
                                                   y: Int((Float(hit.y) * scale).rounded(.toNearestOrEven)),
                                                   width: windowWidth, height: windowHeight))
            }
        }
        return boxes
    }

    /// The pyramid's scale factors, chosen as `detectMultiScaleNoGrouping` does: factor 1, ×scaleFactor
    /// each step, until the scaled image no longer exceeds the window or the window exceeds `maxSize`;
    /// levels whose window is below `minSize` are skipped.
    func pyramidScales(width: Int, height: Int) -> [Float] {
        let ww = cascade.windowWidth, wh = cascade.windowHeight
        let maxW = options.maxSize > 0 ? options.maxSize : width
        let maxH = options.maxSize > 0 ? options.maxSize : height
        var scales: [Float] = []
        var factor = 1.0
        while true {
            let windowW = Int((Double(ww) * factor).rounded(.toNearestOrEven))
            let windowH = Int((Double(wh) * factor).rounded(.toNearestOrEven))
            let scaledW = Int((Double(width) / factor).rounded(.toNearestOrEven))
            let scaledH = Int((Double(height) / factor).rounded(.toNearestOrEven))
            if scaledW - ww <= 0 || scaledH - wh <= 0 { break }
            if windowW > maxW || windowH > maxH { break }
            if windowW >= options.minSize && windowH >= options.minSize { scales.append(Float(factor)) }
            factor *= options.scaleFactor
        }
        return scales
    }
}
