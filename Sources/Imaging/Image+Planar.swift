extension Image {
    /// Writes this image as NCHW float planes (one batch item) into `destination`, whose planes are
    /// `width` × `height` (at least the image's size): the image fills the top-left corner and
    /// every other element is `padValue` (written as is, not normalised).
    ///
    /// Each sample becomes `(pixel / scale − mean[c]) / std[c]` (computed as one multiply-add),
    /// with `c` the plane index in `order`; `mean` and `std` hold one value per plane or a single
    /// value for all. Grey images fill all three planes for `.rgb`/`.bgr`; RGB images give BT.601
    /// luma for `.gray`. `destination` must hold at least `order.channels × width × height` floats.
    public func writePlanar(
        into destination: UnsafeMutableBufferPointer<Float>, width planeWidth: Int, height planeHeight: Int,
        order: ChannelOrder, scale: Float = 1, mean: [Float] = [0], std: [Float] = [1], padValue: Float = 0
    ) throws {
        let op = "writePlanar"
        let planes = order.channels
        guard planeWidth >= width, planeHeight >= height else {
            throw ImagingError.invalidArgument(operation: op,
                detail: "tensor \(planeWidth)x\(planeHeight) is smaller than the \(width)x\(height) image")
        }
        let planeSize = planeWidth * planeHeight
        guard destination.count >= planes * planeSize, let base = destination.baseAddress else {
            throw ImagingError.invalidArgument(operation: op,
                detail: "destination holds \(destination.count) floats, needs \(planes)x\(planeHeight)x\(planeWidth) = \(planes * planeSize)")
        }
        guard mean.count == 1 || mean.count == planes, std.count == 1 || std.count == planes else {
            throw ImagingError.invalidArgument(operation: op,
                detail: "mean/std need 1 or \(planes) values, got \(mean.count)/\(std.count)")
        }
        var mul = [Float](repeating: 0, count: 3), add = [Float](repeating: 0, count: 3)
        for c in 0..<planes {
            let m = mean.count == 1 ? mean[0] : mean[c]
            let s = std.count == 1 ? std[0] : std[c]
            guard scale != 0, s != 0, scale.isFinite, s.isFinite, m.isFinite else {
                throw ImagingError.invalidArgument(operation: op,
                    detail: "scale \(scale), mean \(m) and std \(s) must be finite and scale, std non-zero")
            }
            mul[c] = 1 / (scale * s)
            add[c] = -m / s
        }

        let w = width, h = height, W = planeWidth
        pixels.withUnsafeBufferPointer { srcBuffer in
            let src = srcBuffer.baseAddress!
            switch (format, order) {
            case (.rgb8, .rgb), (.rgb8, .bgr):
                // Plane p reads source channel p (rgb) or 2 − p (bgr).
                let swap = order == .bgr
                let p0 = base + (swap ? 2 : 0) * planeSize, p1 = base + planeSize, p2 = base + (swap ? 0 : 2) * planeSize
                let m0 = mul[swap ? 2 : 0], a0 = add[swap ? 2 : 0]
                let m1 = mul[1], a1 = add[1]
                let m2 = mul[swap ? 0 : 2], a2 = add[swap ? 0 : 2]
                for y in 0..<h {
                    PlanarKernels.rgbRow(src + y * w * 3, w,
                                         p0 + y * W, m0, a0, p1 + y * W, m1, a1, p2 + y * W, m2, a2)
                }
            case (.gray8, .rgb), (.gray8, .bgr):
                for c in 0..<3 {
                    let plane = base + c * planeSize
                    for y in 0..<h { PlanarKernels.grayRow(src + y * w, w, plane + y * W, mul[c], add[c]) }
                }
            case (.gray8, .gray):
                for y in 0..<h { PlanarKernels.grayRow(src + y * w, w, base + y * W, mul[0], add[0]) }
            case (.rgb8, .gray):
                let row = UnsafeMutablePointer<UInt8>.allocate(capacity: w)
                defer { row.deallocate() }
                for y in 0..<h {
                    PixelConversion.rgbToGray(src + y * w * 3, row, count: w)
                    PlanarKernels.grayRow(row, w, base + y * W, mul[0], add[0])
                }
            }
        }

        // Padding: the right strip of the image rows, then the rows below the image.
        for c in 0..<planes {
            let plane = base + c * planeSize
            if W > w {
                for y in 0..<h { (plane + y * W + w).update(repeating: padValue, count: W - w) }
            }
            if planeHeight > h {
                (plane + h * W).update(repeating: padValue, count: (planeHeight - h) * W)
            }
        }
    }
}

/// Row kernels for `writePlanar`: byte → float multiply-add, vectorised by the compiler.
enum PlanarKernels {
    @inline(__always)
    static func rgbRow(_ src: UnsafePointer<UInt8>, _ n: Int,
                       _ d0: UnsafeMutablePointer<Float>, _ m0: Float, _ a0: Float,
                       _ d1: UnsafeMutablePointer<Float>, _ m1: Float, _ a1: Float,
                       _ d2: UnsafeMutablePointer<Float>, _ m2: Float, _ a2: Float) {
        for x in 0..<n {
            let i = 3 &* x
            d0[x] = Float(src[i]) * m0 + a0
            d1[x] = Float(src[i &+ 1]) * m1 + a1
            d2[x] = Float(src[i &+ 2]) * m2 + a2
        }
    }

    @inline(__always)
    static func grayRow(_ src: UnsafePointer<UInt8>, _ n: Int,
                        _ dst: UnsafeMutablePointer<Float>, _ m: Float, _ a: Float) {
        for x in 0..<n { dst[x] = Float(src[x]) * m + a }
    }
}
