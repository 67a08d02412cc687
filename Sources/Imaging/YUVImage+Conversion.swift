extension YUVImage {
    /// The frame as a full-size RGB image (BT.601, honouring `range`); chroma is upsampled bilinearly
    /// with centred chroma samples (what libjpeg's "fancy upsampling" does for JPEG).
    public func rgb() -> Image {
        rgb(width: width, height: height)
    }

    /// The frame as an RGB image of `width` × `height`, made in one pass from the planes (no full-size
    /// RGB intermediate): each plane is resampled straight to the output size with `Image.resized`'s
    /// rules (bilinear up to 2× reduction, area averaging beyond), then converted (BT.601, honouring `range`).
    public func rgb(width newWidth: Int, height newHeight: Int) -> Image {
        precondition(newWidth > 0 && newHeight > 0 && newWidth <= Image.maximumDimension
                     && newHeight <= Image.maximumDimension,
                     "YUVImage.rgb: \(newWidth)x\(newHeight) is not a valid size")
        let count = newWidth * newHeight
        let sameSize = newWidth == width && newHeight == height
        return Image(uncheckedWidth: newWidth, height: newHeight, format: .rgb8) { out in
            let scratchCount = (sameSize ? 0 : count) + (isGray ? 0 : 2 * count)
            let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: max(scratchCount, 1))
            defer { scratch.deallocate() }
            var next = scratch

            // Luma at the output size (the plane itself when no resizing is needed).
            luma.withUnsafePixels { y in
                let yOut: UnsafePointer<UInt8>
                if sameSize {
                    yOut = y.baseAddress!
                } else {
                    PlaneScaler.scale(y.baseAddress!, width: width, height: height,
                                      into: next, width: newWidth, height: newHeight)
                    yOut = UnsafePointer(next)
                    next += count
                }
                guard !isGray else {
                    YUVConversion.grayToRGB(yOut, out.baseAddress!, count: count, range: range)
                    return
                }
                let cbOut = next, crOut = next + count
                for (plane, target) in [(cb, cbOut), (cr, crOut)] {
                    plane.withUnsafeBufferPointer { p in
                        PlaneScaler.scale(p.baseAddress!, width: chromaWidth, height: chromaHeight,
                                          into: target, width: newWidth, height: newHeight)
                    }
                }
                YUVConversion.yuvToRGB(yOut, cbOut, crOut, out.baseAddress!, count: count, range: range)
            }
        }
    }
}

/// BT.601 Y'CbCr ↔ R'G'B' kernels in 16-bit fixed point (plain loops the compiler vectorises).
enum YUVConversion {
    /// Fixed-point coefficients (× 65536) for one code range.
    struct Coefficients {
        var yOffset: Int32
        var yScale: Int32
        var crToR: Int32
        var cbToG: Int32
        var crToG: Int32
        var cbToB: Int32

        /// JFIF: Y, Cb, Cr in 0...255; R = Y + 1.402 Cr', G = Y − 0.344136 Cb' − 0.714136 Cr', B = Y + 1.772 Cb'.
        static let full = Coefficients(yOffset: 0, yScale: 65536, crToR: 91881, cbToG: 22554,
                                       crToG: 46802, cbToB: 116130)
        /// BT.601 video: Y in 16...235 scaled by 255/219, chroma in 16...240 scaled by 255/224.
        static let limited = Coefficients(yOffset: 16, yScale: 76309, crToR: 104597, cbToG: 25675,
                                          crToG: 53279, cbToB: 132201)

        static func forRange(_ range: YUVRange) -> Coefficients {
            range == .full ? .full : .limited
        }
    }

    /// `count` Y, Cb, Cr samples (same positions) to `count` interleaved RGB pixels.
    static func yuvToRGB(_ y: UnsafePointer<UInt8>, _ cb: UnsafePointer<UInt8>, _ cr: UnsafePointer<UInt8>,
                         _ out: UnsafeMutablePointer<UInt8>, count: Int, range: YUVRange) {
        let k = Coefficients.forRange(range)
        let yOffset = k.yOffset, yScale = k.yScale, crToR = k.crToR, cbToG = k.cbToG, crToG = k.crToG, cbToB = k.cbToB
        let half: Int32 = 1 << 15
        for i in 0..<count {
            let l = (Int32(y[i]) &- yOffset) &* yScale &+ half
            let u = Int32(cb[i]) &- 128, v = Int32(cr[i]) &- 128
            let r = (l &+ crToR &* v) &>> 16
            let g = (l &- cbToG &* u &- crToG &* v) &>> 16
            let b = (l &+ cbToB &* u) &>> 16
            out[3 &* i] = UInt8(truncatingIfNeeded: min(max(r, 0), 255))
            out[3 &* i &+ 1] = UInt8(truncatingIfNeeded: min(max(g, 0), 255))
            out[3 &* i &+ 2] = UInt8(truncatingIfNeeded: min(max(b, 0), 255))
        }
    }

    /// `count` luma samples to grey RGB (limited range expanded to 0...255).
    static func grayToRGB(_ y: UnsafePointer<UInt8>, _ out: UnsafeMutablePointer<UInt8>, count: Int, range: YUVRange) {
        let k = Coefficients.forRange(range)
        let yOffset = k.yOffset, yScale = k.yScale
        let half: Int32 = 1 << 15
        for i in 0..<count {
            let l = ((Int32(y[i]) &- yOffset) &* yScale &+ half) &>> 16
            let v = UInt8(truncatingIfNeeded: min(max(l, 0), 255))
            out[3 &* i] = v
            out[3 &* i &+ 1] = v
            out[3 &* i &+ 2] = v
        }
    }

    /// `count` interleaved RGB pixels to full-range (JFIF) Y, Cb, Cr planes.
    static func rgbToYUV(_ rgb: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<UInt8>,
                         _ cb: UnsafeMutablePointer<UInt8>, _ cr: UnsafeMutablePointer<UInt8>, count: Int) {
        // Y = 0.299 R + 0.587 G + 0.114 B; Cb = −0.168736 R − 0.331264 G + 0.5 B + 128;
        // Cr = 0.5 R − 0.418688 G − 0.081312 B + 128 (× 65536, rounded).
        let half: Int32 = 1 << 15, center: Int32 = 128 << 16
        for i in 0..<count {
            let r = Int32(rgb[3 &* i]), g = Int32(rgb[3 &* i &+ 1]), b = Int32(rgb[3 &* i &+ 2])
            let yy = (19595 &* r &+ 38470 &* g &+ 7471 &* b &+ half) &>> 16
            let u = (center &- 11059 &* r &- 21709 &* g &+ 32768 &* b &+ half) &>> 16
            let v = (center &+ 32768 &* r &- 27439 &* g &- 5329 &* b &+ half) &>> 16
            y[i] = UInt8(truncatingIfNeeded: min(max(yy, 0), 255))
            cb[i] = UInt8(truncatingIfNeeded: min(max(u, 0), 255))
            cr[i] = UInt8(truncatingIfNeeded: min(max(v, 0), 255))
        }
    }
}
