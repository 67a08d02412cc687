extension Image {
    /// This image in another pixel format: RGB → grey uses BT.601 luma with OpenCV's integer
    /// weights, (R·4899 + G·9617 + B·1868 + 8192) >> 14; grey → RGB copies the grey to all three.
    public func converted(to target: PixelFormat) -> Image {
        if target == format { return self }
        let count = width * height
        return pixels.withUnsafeBufferPointer { src in
            Image(uncheckedWidth: width, height: height, format: target) { dst in
                switch target {
                case .gray8: PixelConversion.rgbToGray(src.baseAddress!, dst.baseAddress!, count: count)
                case .rgb8: PixelConversion.grayToRGB(src.baseAddress!, dst.baseAddress!, count: count)
                }
            }
        }
    }
}

/// The per-pixel format conversion kernels (plain loops the compiler vectorises).
enum PixelConversion {
    /// `count` RGB pixels to `count` luma bytes.
    @inline(__always)
    static func rgbToGray(_ src: UnsafePointer<UInt8>, _ dst: UnsafeMutablePointer<UInt8>, count: Int) {
        for i in 0..<count {
            let r = Int32(src[3 &* i]), g = Int32(src[3 &* i &+ 1]), b = Int32(src[3 &* i &+ 2])
            dst[i] = UInt8(truncatingIfNeeded: (r &* 4899 &+ g &* 9617 &+ b &* 1868 &+ 8192) &>> 14)
        }
    }

    /// `count` grey bytes to `count` RGB pixels.
    @inline(__always)
    static func grayToRGB(_ src: UnsafePointer<UInt8>, _ dst: UnsafeMutablePointer<UInt8>, count: Int) {
        for i in 0..<count {
            let v = src[i]
            dst[3 &* i] = v
            dst[3 &* i &+ 1] = v
            dst[3 &* i &+ 2] = v
        }
    }
}
