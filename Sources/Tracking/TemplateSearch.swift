import Imaging

/// One face's appearance: its box resampled to a `size × size` grey template.
struct FaceTemplate {
    /// Grey levels, blended over time (what a new view is mixed into).
    var raw: [Float]
    /// `raw` made zero-mean with unit norm (what the search correlates); zeros when `raw` is flat.
    var normalized: [Float]
    /// False when the template has no texture to follow (a flat region): the search then reports confidence 0.
    var isTextured: Bool
}

/// The visual tracker: finds a face's template near a predicted box in a new grey frame.
///
/// The search patch is the predicted box plus `margin` template pixels on each side, resampled at the
/// template's scale; normalised cross-correlation at every integer placement gives the translation,
/// refined to sub-pixel precision by a parabola through the peak and its neighbours. Then the box is
/// resampled at `1 ± scaleStep` around that position and searched within ±1 template pixel; a parabola
/// through the three peak scores gives the scale change. The confidence is the best peak NCC (0...1).
/// One instance serves all tracks of a stream: it owns the scratch buffers (not thread-safe).
final class TemplateSearch {
    /// What the search found.
    struct Match {
        var box: Rect
        var confidence: Float
    }

    let size: Int
    let margin: Int
    let scaleStep: Float
    /// Placements searched around the position found at the nominal scale, when trying other scales.
    let scaleRadius = 1

    private let sampler = PatchSampler()
    private var patch: [Float]
    private var integral: [Double]
    private var scores: [Float]

    /// `size` must be a positive multiple of 16, `margin` at least 1 (checked by `FaceTracker.Options`).
    init(size: Int, margin: Int, scaleStep: Float) {
        self.size = size
        self.margin = margin
        self.scaleStep = scaleStep
        let side = size + 2 * max(margin, scaleRadius)
        patch = [Float](repeating: 0, count: side * side)
        integral = [Double](repeating: 0, count: 2 * (side + 1) * (side + 1))
        scores = [Float](repeating: 0, count: (2 * margin + 1) * (2 * margin + 1))
    }

    /// The template of `box` in `frame` (gray8); flat (not textured) when the box is not searchable.
    func template(frame: Image, box: Rect) -> FaceTemplate {
        var raw = [Float](repeating: 0, count: size * size)
        guard Self.isSearchable(box, in: frame) else { return FaceTemplate(raw: raw, normalized: raw, isTextured: false) }
        raw.withUnsafeMutableBufferPointer { out in
            sample(frame, originX: box.x, originY: box.y, scaleX: box.width / Float(size),
                   scaleY: box.height / Float(size), into: out.baseAddress!, side: size)
        }
        var normalized = raw
        let textured = normalized.withUnsafeMutableBufferPointer {
            CrossCorrelation.normalize($0.baseAddress!, count: size * size)
        }
        return FaceTemplate(raw: raw, normalized: normalized, isTextured: textured)
    }

    /// Blends the view of `box` in `frame` into `template` with weight `rate` (0...1), in place.
    func adapt(_ template: inout FaceTemplate, frame: Image, box: Rect, rate: Float) {
        let n = size * size
        guard template.raw.count == n, template.normalized.count == n, Self.isSearchable(box, in: frame) else { return }
        let keep = 1 - rate
        template.isTextured = patch.withUnsafeMutableBufferPointer { scratch in
            let view = scratch.baseAddress!
            sample(frame, originX: box.x, originY: box.y, scaleX: box.width / Float(size),
                   scaleY: box.height / Float(size), into: view, side: size)
            return template.raw.withUnsafeMutableBufferPointer { raw in
                template.normalized.withUnsafeMutableBufferPointer { normalized in
                    for i in 0..<n {
                        let v = raw[i] * keep + view[i] * rate
                        raw[i] = v
                        normalized[i] = v
                    }
                    return CrossCorrelation.normalize(normalized.baseAddress!, count: n)
                }
            }
        }
    }

    /// Searches `frame` (gray8) for `template` around `predicted`; confidence 0 and the predicted box
    /// when the template or the box cannot be searched.
    func search(frame: Image, template: FaceTemplate, around predicted: Rect) -> Match {
        guard template.isTextured, Self.isSearchable(predicted, in: frame) else {
            return Match(box: predicted, confidence: 0)
        }
        let t = Float(size)
        let sx = predicted.width / t, sy = predicted.height / t
        // Translation at the nominal scale.
        guard let found = placement(frame, template, box: predicted, scaleX: sx, scaleY: sy, radius: margin) else {
            return Match(box: predicted, confidence: 0)
        }
        var centre = Point(x: predicted.center.x + found.dx * sx, y: predicted.center.y + found.dy * sy)
        // Scale: the same template against the box shrunk and grown by `scaleStep`, near that position.
        var smaller = (score: Float(0), centre: centre), larger = smaller
        if scaleStep > 0 {
            smaller = scaled(frame, template, predicted, centre: centre, factor: 1 - scaleStep) ?? smaller
            larger = scaled(frame, template, predicted, centre: centre, factor: 1 + scaleStep) ?? larger
        }
        var peak = found.score, step: Float = 0
        if smaller.score > peak { peak = smaller.score; centre = smaller.centre; step = -1 }
        if larger.score > peak { peak = larger.score; centre = larger.centre; step = 1 }
        let offset = Self.parabolaPeak(smaller.score, found.score, larger.score) ?? step
        let scale = 1 + min(max(offset, -1), 1) * scaleStep
        let w = predicted.width * scale, h = predicted.height * scale
        return Match(box: Rect(x: centre.x - w / 2, y: centre.y - h / 2, width: w, height: h),
                     confidence: min(max(peak, 0), 1))
    }

    /// The best score and centre of the template within ±`scaleRadius` of `centre` with the box scaled by `factor`.
    private func scaled(_ frame: Image, _ template: FaceTemplate, _ predicted: Rect, centre: Point,
                        factor: Float) -> (score: Float, centre: Point)? {
        let w = predicted.width * factor, h = predicted.height * factor
        let sx = w / Float(size), sy = h / Float(size)
        let box = Rect(x: centre.x - w / 2, y: centre.y - h / 2, width: w, height: h)
        guard let found = placement(frame, template, box: box, scaleX: sx, scaleY: sy, radius: scaleRadius) else {
            return nil
        }
        return (found.score, Point(x: centre.x + found.dx * sx, y: centre.y + found.dy * sy))
    }

    /// The best placement of `template` within ±`radius` template pixels of `box`: its offset in
    /// template pixels (sub-pixel) and its NCC; nil when the template is larger than the buffers allow.
    private func placement(_ frame: Image, _ template: FaceTemplate, box: Rect, scaleX: Float, scaleY: Float,
                           radius: Int) -> (dx: Float, dy: Float, score: Float)? {
        let side = size + 2 * radius
        let count = 2 * radius + 1
        guard side * side <= patch.count, count * count <= scores.count else { return nil }
        return patch.withUnsafeMutableBufferPointer { patchBuffer in
            integral.withUnsafeMutableBufferPointer { integralBuffer in
                scores.withUnsafeMutableBufferPointer { scoreBuffer in
                    template.normalized.withUnsafeBufferPointer { tpl in
                        let p = patchBuffer.baseAddress!, s = scoreBuffer.baseAddress!
                        sample(frame, originX: box.x - Float(radius) * scaleX, originY: box.y - Float(radius) * scaleY,
                               scaleX: scaleX, scaleY: scaleY, into: p, side: side)
                        CrossCorrelation.integrate(p, width: side, height: side, into: integralBuffer.baseAddress!)
                        CrossCorrelation.scores(template: tpl.baseAddress!, size: size, search: p, width: side,
                                                height: side, integral: integralBuffer.baseAddress!,
                                                columns: count, rows: count, into: s)
                        var bestIndex = 0
                        for i in 1..<(count * count) where s[i] > s[bestIndex] { bestIndex = i }
                        let u = bestIndex % count, v = bestIndex / count
                        var dx = Float(u - radius), dy = Float(v - radius)
                        if u > 0, u < count - 1,
                           let f = Self.parabolaPeak(s[bestIndex - 1], s[bestIndex], s[bestIndex + 1]) {
                            dx += min(max(f, -0.5), 0.5)
                        }
                        if v > 0, v < count - 1,
                           let f = Self.parabolaPeak(s[bestIndex - count], s[bestIndex], s[bestIndex + count]) {
                            dy += min(max(f, -0.5), 0.5)
                        }
                        return (dx, dy, s[bestIndex])
                    }
                }
            }
        }
    }

    /// True when `box` is finite, at least 2 pixels wide and tall, and within a few frame sizes of the
    /// frame (anything else cannot be a face on it).
    static func isSearchable(_ box: Rect, in frame: Image) -> Bool {
        let w = Float(frame.width), h = Float(frame.height)
        return box.isFinite && box.width >= 2 && box.height >= 2 && box.width <= 4 * w && box.height <= 4 * h
            && box.maxX > -w && box.minX < 2 * w && box.maxY > -h && box.minY < 2 * h
    }

    /// The vertex offset (in −1...1 steps from the middle sample) of the parabola through three
    /// equally spaced samples, or nil when they do not bend downwards.
    static func parabolaPeak(_ left: Float, _ middle: Float, _ right: Float) -> Float? {
        let curvature = left - 2 * middle + right
        guard curvature < 0 else { return nil }
        return 0.5 * (left - right) / curvature
    }

    private func sample(_ frame: Image, originX: Float, originY: Float, scaleX: Float, scaleY: Float,
                        into out: UnsafeMutablePointer<Float>, side: Int) {
        frame.withUnsafePixels { pixels in
            sampler.sample(pixels, frameWidth: frame.width, frameHeight: frame.height,
                           originX: originX, originY: originY, scaleX: scaleX, scaleY: scaleY,
                           into: out, width: side, height: side)
        }
    }
}
