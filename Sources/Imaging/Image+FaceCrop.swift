#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Image {
    /// An upright `outputWidth` × `outputHeight` crop of a face.
    ///
    /// The region is `box` grown by `margin` × its width (left and right) and × its height (top
    /// and bottom), about the box centre, and is stretched to the output size. When both eye
    /// points are given the region is rotated about the box centre so the line through the eyes
    /// is horizontal in the crop (the eye order does not matter: the crop is never turned upside
    /// down). Parts of the region outside the image repeat the edge pixels, so a face at the
    /// border still gives a full crop.
    ///
    /// Sampling is bilinear; when the region is more than 2× the output size it is first warped
    /// to an integer multiple (≤ 2× per step) of the output and box-averaged down, so small crops
    /// of large faces do not alias.
    public func faceCrop(box: Rect, leftEye: Point? = nil, rightEye: Point? = nil, margin: Float = 0,
                         outputWidth: Int, outputHeight: Int, format outFormat: PixelFormat? = nil) throws -> Image {
        let op = "faceCrop"
        guard box.isFinite, box.width > 0, box.height > 0 else {
            throw ImagingError.invalidArgument(operation: op, detail: "box \(box) must be finite with positive size")
        }
        guard margin.isFinite, margin > -0.5 else {
            throw ImagingError.invalidArgument(operation: op, detail: "margin \(margin) must be finite and > -0.5")
        }
        guard outputWidth > 0, outputHeight > 0, outputWidth <= 4096, outputHeight <= 4096 else {
            throw ImagingError.invalidArgument(operation: op, detail: "output size \(outputWidth)x\(outputHeight) must be in 1...4096")
        }

        var angle: Float = 0
        if let l = leftEye, let r = rightEye, l.isFinite, r.isFinite {
            var dx = r.x - l.x, dy = r.y - l.y
            if dx < 0 || (dx == 0 && dy < 0) { dx = -dx; dy = -dy }
            if dx != 0 || dy != 0 { angle = Float(atan2(Double(dy), Double(dx))) }
        }

        let region = box.expanded(by: margin)
        let sx = region.width / Float(outputWidth), sy = region.height / Float(outputHeight)
        // Supersampling factors keep each bilinear step at ≤ 2× reduction.
        let fx = max(1, Int((sx / 2).rounded(.up))), fy = max(1, Int((sy / 2).rounded(.up)))
        let warpWidth = outputWidth * fx, warpHeight = outputHeight * fy

        // Destination pixel (u, v) → its centre → region-local offset from the centre →
        // rotated into the image → source pixel-centre coordinates (minus 0.5).
        let center = box.center
        let transform = AffineMap.translation(dx: 0.5, dy: 0.5)
            .then(.scale(x: region.width / Float(warpWidth), y: region.height / Float(warpHeight)))
            .then(.translation(dx: -region.width / 2, dy: -region.height / 2))
            .then(.rotation(radians: angle))
            .then(.translation(dx: center.x - 0.5, dy: center.y - 0.5))

        let warped = try warpAffine(transform, width: warpWidth, height: warpHeight)
        return warped.resized(width: outputWidth, height: outputHeight).converted(to: outFormat ?? format)
    }
}
