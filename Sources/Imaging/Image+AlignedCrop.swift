extension Image {
    /// An `outputWidth` × `outputHeight` crop whose pixel centres map into this image through
    /// `outputToImage` (output pixel coordinates → image pixel coordinates, both with pixel (i, j)
    /// covering [i, i+1) × [j, j+1)): an aligned face crop, for example.
    ///
    /// Sampling is bilinear with the edge pixels repeated outside the image. When the map shrinks the
    /// image by more than 2× it first warps to an integer multiple (≤ 2× per step) of the output and
    /// box-averages down, so small crops of large faces do not alias.
    public func crop(mapping outputToImage: AffineMap, outputWidth: Int, outputHeight: Int,
                     format outFormat: PixelFormat? = nil) throws -> Image {
        let op = "crop(mapping:)"
        guard outputToImage.isFinite, outputToImage.inverted() != nil else {
            throw ImagingError.invalidArgument(operation: op, detail: "map \(outputToImage) is not finite and invertible")
        }
        guard outputWidth > 0, outputHeight > 0, outputWidth <= 4096, outputHeight <= 4096 else {
            throw ImagingError.invalidArgument(operation: op, detail: "output size \(outputWidth)x\(outputHeight) must be in 1...4096")
        }
        // How far one output pixel reaches in the image along each output axis.
        let stepX = (outputToImage.a * outputToImage.a + outputToImage.c * outputToImage.c).squareRoot()
        let stepY = (outputToImage.b * outputToImage.b + outputToImage.d * outputToImage.d).squareRoot()
        guard stepX < 1e4, stepY < 1e4 else {
            throw ImagingError.invalidArgument(operation: op, detail: "map \(outputToImage) shrinks more than 10000x")
        }
        let fx = max(1, Int((stepX / 2).rounded(.up))), fy = max(1, Int((stepY / 2).rounded(.up)))
        let warpWidth = outputWidth * fx, warpHeight = outputHeight * fy
        // Warp pixel (u, v) → its centre → output coordinates → image coordinates → source pixel-centre
        // coordinates (minus 0.5), as warpAffine samples.
        let transform = AffineMap.translation(dx: 0.5, dy: 0.5)
            .then(.scale(x: 1 / Float(fx), y: 1 / Float(fy)))
            .then(outputToImage)
            .then(.translation(dx: -0.5, dy: -0.5))
        let warped = try warpAffine(transform, width: warpWidth, height: warpHeight)
        let sized = (fx, fy) == (1, 1) ? warped : warped.resized(width: outputWidth, height: outputHeight)
        return sized.converted(to: outFormat ?? format)
    }
}
