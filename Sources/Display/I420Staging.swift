import Imaging

/// Reused I420 (4:2:0) planes for an IYUV texture: converts 4:2:2, 4:4:4 and grey chroma, and holds
/// a copy of the luma when faces are pixelated, so the caller's frame is never modified.
struct I420Staging {
    private(set) var luma: [UInt8] = []
    private(set) var cb: [UInt8] = []
    private(set) var cr: [UInt8] = []
    private(set) var width = 0
    private(set) var height = 0

    var chromaWidth: Int { (width + 1) / 2 }
    var chromaHeight: Int { (height + 1) / 2 }

    /// True when the image's chroma already is 4:2:0 and can be uploaded as it is.
    static func isI420(_ image: YUVImage) -> Bool {
        image.chromaWidth == (image.width + 1) / 2 && image.chromaHeight == (image.height + 1) / 2
    }

    /// Fills the chroma planes from `image` (and the luma plane too when `copyLuma`).
    mutating func load(_ image: YUVImage, copyLuma: Bool) {
        width = image.width
        height = image.height
        let ocw = chromaWidth, och = chromaHeight
        if cb.count != ocw * och {
            cb = [UInt8](repeating: 128, count: ocw * och)
            cr = [UInt8](repeating: 128, count: ocw * och)
        }
        if copyLuma {
            if luma.count != width * height { luma = [UInt8](repeating: 0, count: width * height) }
            image.luma.withUnsafePixels { src in
                luma.withUnsafeMutableBufferPointer { dst in
                    dst.baseAddress!.update(from: src.baseAddress!, count: min(src.count, dst.count))
                }
            }
        }
        Self.convert(image.cb, into: &cb, image: image, outWidth: ocw, outHeight: och)
        Self.convert(image.cr, into: &cr, image: image, outWidth: ocw, outHeight: och)
    }

    /// Pixelates `boxes` in the staged planes (requires `load(_, copyLuma: true)`).
    mutating func pixelate(_ boxes: [Rect]) {
        let (w, h, cw, ch) = (width, height, chromaWidth, chromaHeight)
        guard luma.count == w * h else { return }
        luma.withUnsafeMutableBufferPointer { y in
            cb.withUnsafeMutableBufferPointer { u in
                cr.withUnsafeMutableBufferPointer { v in
                    FacePixelation.apply(boxes: boxes, width: w, height: h, luma: y.baseAddress!, lumaStride: w,
                                         chroma: (u.baseAddress, v.baseAddress), chromaWidth: cw, chromaHeight: ch)
                }
            }
        }
    }

    /// One chroma plane of any layout resampled to `outWidth × outHeight` (4:2:0 of the frame).
    private static func convert(_ source: [UInt8], into out: inout [UInt8], image: YUVImage, outWidth ow: Int, outHeight oh: Int) {
        let sw = image.chromaWidth, sh = image.chromaHeight
        out.withUnsafeMutableBufferPointer { dstBuffer in
            let dst = dstBuffer.baseAddress!
            guard sw > 0, sh > 0, source.count == sw * sh else {
                dst.update(repeating: 128, count: ow * oh) // grey frame: neutral chroma
                return
            }
            source.withUnsafeBufferPointer { srcBuffer in
                let src = srcBuffer.baseAddress!
                if sw == ow && sh == oh {
                    dst.update(from: src, count: ow * oh)
                } else if sw == ow && sh == image.height {
                    // 4:2:2: average vertical pairs of rows.
                    for y in 0..<oh {
                        let a = src + (2 * y) * sw, b = src + min(2 * y + 1, sh - 1) * sw, d = dst + y * ow
                        for x in 0..<ow { d[x] = UInt8(truncatingIfNeeded: (Int(a[x]) + Int(b[x]) + 1) >> 1) }
                    }
                } else if sw == image.width && sh == image.height {
                    // 4:4:4: average 2×2 blocks.
                    for y in 0..<oh {
                        let a = src + (2 * y) * sw, b = src + min(2 * y + 1, sh - 1) * sw, d = dst + y * ow
                        for x in 0..<ow {
                            let x0 = 2 * x, x1 = min(2 * x + 1, sw - 1)
                            d[x] = UInt8(truncatingIfNeeded: (Int(a[x0]) + Int(a[x1]) + Int(b[x0]) + Int(b[x1]) + 2) >> 2)
                        }
                    }
                } else {
                    // Any other subsampling (4:1:1, odd layouts): nearest sample.
                    for y in 0..<oh {
                        let s = src + min(sh - 1, y * sh / oh) * sw, d = dst + y * ow
                        for x in 0..<ow { d[x] = s[min(sw - 1, x * sw / ow)] }
                    }
                }
            }
        }
    }
}
