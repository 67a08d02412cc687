extension Image {
    /// Resamples this image through an affine map into a `width` × `height` image.
    ///
    /// `transform` maps **destination pixel coordinates to source pixel coordinates** (OpenCV's
    /// `warpAffine` with `WARP_INVERSE_MAP`), with pixel (i, j)'s centre at the integer point
    /// (i, j). Sampling is bilinear; points outside the source repeat the nearest edge pixel
    /// (border replicate). `format` (default: this image's) selects the output layout.
    public func warpAffine(_ transform: AffineMap, width outWidth: Int, height outHeight: Int,
                           format outFormat: PixelFormat? = nil) throws -> Image {
        guard transform.isFinite else {
            throw ImagingError.invalidArgument(operation: "warpAffine", detail: "transform \(transform) is not finite")
        }
        guard outWidth > 0, outHeight > 0, outWidth <= Image.maximumDimension, outHeight <= Image.maximumDimension else {
            throw ImagingError.invalidArgument(operation: "warpAffine", detail: "output size \(outWidth)x\(outHeight) is invalid")
        }
        let warped = Image(uncheckedWidth: outWidth, height: outHeight, format: format) { out in
            pixels.withUnsafeBufferPointer { src in
                switch format {
                case .gray8: Warp.bilinear(src.baseAddress!, width, height, channels: 1, transform, out.baseAddress!, outWidth, outHeight)
                case .rgb8: Warp.bilinear(src.baseAddress!, width, height, channels: 3, transform, out.baseAddress!, outWidth, outHeight)
                }
            }
        }
        return warped.converted(to: outFormat ?? format)
    }
}

/// The bilinear, border-replicate affine sampler behind `warpAffine`.
enum Warp {
    @inline(__always)
    static func bilinear(_ src: UnsafePointer<UInt8>, _ sw: Int, _ sh: Int, channels ch: Int,
                         _ t: AffineMap,
                         _ dst: UnsafeMutablePointer<UInt8>, _ dw: Int, _ dh: Int) {
        let maxX = Float(sw - 1), maxY = Float(sh - 1)
        let stride = sw * ch
        for y in 0..<dh {
            let fy = Float(y)
            let rowX = t.b * fy + t.tx, rowY = t.d * fy + t.ty
            let out = dst + y * dw * ch
            for x in 0..<dw {
                let fx = Float(x)
                // Clamping the coordinate first is border replicate for bilinear sampling.
                let sx = min(max(t.a * fx + rowX, 0), maxX)
                let sy = min(max(t.c * fx + rowY, 0), maxY)
                let x0 = Int(sx), y0 = Int(sy)
                let ax = sx - Float(x0), ay = sy - Float(y0)
                let x1 = min(x0 + 1, sw - 1), y1 = min(y0 + 1, sh - 1)
                let r0 = src + y0 * stride, r1 = src + y1 * stride
                let o00 = x0 * ch, o01 = x1 * ch
                for c in 0..<ch {
                    let top = Float(r0[o00 + c]) + (Float(r0[o01 + c]) - Float(r0[o00 + c])) * ax
                    let bottom = Float(r1[o00 + c]) + (Float(r1[o01 + c]) - Float(r1[o00 + c])) * ax
                    let v = top + (bottom - top) * ay
                    out[x * ch + c] = UInt8(v + 0.5)
                }
            }
        }
    }
}
