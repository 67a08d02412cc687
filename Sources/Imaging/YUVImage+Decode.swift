extension YUVImage {
    /// Splits packed YUYV (Y0 Cb Y1 Cr, V4L2_PIX_FMT_YUYV) into 4:2:2 planes.
    ///
    /// `rowStride` is the bytes per row (default: packed, `((width + 1) / 2) * 4`); rows may be padded.
    /// For an odd width the last pair's second luma sample is padding and is dropped.
    public init(yuyv bytes: UnsafeRawBufferPointer, width: Int, height: Int, rowStride: Int? = nil,
                range: YUVRange) throws {
        try Image.validate(width: width, height: height)
        let pairs = (width + 1) / 2
        let stride = rowStride ?? pairs * 4
        guard stride >= pairs * 4, bytes.count >= stride * (height - 1) + pairs * 4 else {
            throw ImagingError.invalidImage(
                "YUYV \(width)x\(height) with \(stride)-byte rows needs \(stride * height) bytes, got \(bytes.count)")
        }
        let source = bytes.bindMemory(to: UInt8.self).baseAddress!
        var cb = [UInt8](repeating: 0, count: pairs * height)
        var cr = [UInt8](repeating: 0, count: pairs * height)
        let luma = Image(uncheckedWidth: width, height: height, format: .gray8) { y in
            cb.withUnsafeMutableBufferPointer { cbOut in
                cr.withUnsafeMutableBufferPointer { crOut in
                    for row in 0..<height {
                        YUVPacking.splitYUYV(source + row * stride, y: y.baseAddress! + row * width,
                                             cb: cbOut.baseAddress! + row * pairs,
                                             cr: crOut.baseAddress! + row * pairs, width: width)
                    }
                }
            }
        }
        try self.init(luma: luma, cb: cb, cr: cr, chromaWidth: pairs, chromaHeight: height, range: range)
    }

    /// Wraps planar bytes (Y, then Cb, then Cr, each tightly packed; Y4M's C420/C422/C444 payload).
    ///
    /// The chroma planes are copied out; the luma plane reuses `bytes`' storage (truncated in place)
    /// when the caller hands over the only reference, so a frame costs one copy of its chroma.
    public init(planar bytes: consuming [UInt8], width: Int, height: Int, chromaWidth: Int, chromaHeight: Int,
                range: YUVRange) throws {
        try Image.validate(width: width, height: height)
        let lumaCount = width * height, chromaCount = chromaWidth * chromaHeight
        guard chromaWidth > 0, chromaHeight > 0 else {
            throw ImagingError.invalidImage("planar YUV chroma planes must not be empty (\(chromaWidth)x\(chromaHeight))")
        }
        guard bytes.count == lumaCount + 2 * chromaCount else {
            throw ImagingError.invalidImage(
                "planar YUV \(width)x\(height) with \(chromaWidth)x\(chromaHeight) chroma needs "
                + "\(lumaCount + 2 * chromaCount) bytes, got \(bytes.count)")
        }
        let cb = Array(bytes[lumaCount..<(lumaCount + chromaCount)])
        let cr = Array(bytes[(lumaCount + chromaCount)...])
        var y = consume bytes
        y.removeSubrange(lumaCount...)
        let luma = try Image(width: width, height: height, format: .gray8, pixels: y)
        try self.init(luma: luma, cb: cb, cr: cr, chromaWidth: chromaWidth, chromaHeight: chromaHeight, range: range)
    }

    /// Wraps a luma-only frame (Y4M's Cmono, V4L2_PIX_FMT_GREY): no chroma, `isGray` is true.
    public init(gray bytes: consuming [UInt8], width: Int, height: Int, range: YUVRange) throws {
        try Image.validate(width: width, height: height)
        guard bytes.count == width * height else {
            throw ImagingError.invalidImage("grey \(width)x\(height) needs \(width * height) bytes, got \(bytes.count)")
        }
        let luma = try Image(width: width, height: height, format: .gray8, pixels: bytes)
        try self.init(luma: luma, cb: [], cr: [], chromaWidth: 0, chromaHeight: 0, range: range)
    }

    /// Converts an RGB image to 4:4:4 full-range planes (JFIF equations); a grey image becomes a
    /// full-range luma-only frame.
    public init(rgb image: Image) {
        let count = image.width * image.height
        if image.format == .gray8 {
            try! self.init(luma: image, cb: [], cr: [], chromaWidth: 0, chromaHeight: 0, range: .full)
            return
        }
        var cb = [UInt8](repeating: 0, count: count)
        var cr = [UInt8](repeating: 0, count: count)
        let luma = image.withUnsafePixels { rgb in
            Image(uncheckedWidth: image.width, height: image.height, format: .gray8) { y in
                cb.withUnsafeMutableBufferPointer { cbOut in
                    cr.withUnsafeMutableBufferPointer { crOut in
                        YUVConversion.rgbToYUV(rgb.baseAddress!, y.baseAddress!, cbOut.baseAddress!,
                                               crOut.baseAddress!, count: count)
                    }
                }
            }
        }
        // Sizes match by construction: cannot throw.
        try! self.init(luma: luma, cb: cb, cr: cr, chromaWidth: image.width, chromaHeight: image.height,
                       range: .full)
    }
}

/// Packed-to-planar byte shuffles.
enum YUVPacking {
    /// One YUYV row (`(width + 1) / 2` pairs) into its Y, Cb and Cr rows.
    @inline(__always)
    static func splitYUYV(_ src: UnsafePointer<UInt8>, y: UnsafeMutablePointer<UInt8>,
                          cb: UnsafeMutablePointer<UInt8>, cr: UnsafeMutablePointer<UInt8>, width: Int) {
        let fullPairs = width / 2
        var i = 0
        while i < fullPairs {
            y[2 &* i] = src[4 &* i]
            cb[i] = src[4 &* i &+ 1]
            y[2 &* i &+ 1] = src[4 &* i &+ 2]
            cr[i] = src[4 &* i &+ 3]
            i &+= 1
        }
        if width % 2 == 1 {
            y[width - 1] = src[4 * fullPairs]
            cb[fullPairs] = src[4 * fullPairs + 1]
            cr[fullPairs] = src[4 * fullPairs + 3]
        }
    }
}
