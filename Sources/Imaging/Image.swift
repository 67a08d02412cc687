/// An 8-bit image in memory: tightly packed rows (stride = width × channels), top row first.
public struct Image: Sendable, Equatable {
    /// The largest width or height accepted anywhere in Imaging (decoders reject larger images).
    public static let maximumDimension = 32_768
    /// The most pixels a decoder accepts from a header (8192 x 8192, 200 MB as RGB; a 50-megapixel photo fits).
    /// A few bytes of JPEG or PNG header can otherwise claim 32768 x 32768 and make the decoder allocate
    /// gigabytes before the data turns out to be missing (found by `./dev.sh fuzz mjpeg`).
    public static let maximumDecodedPixels = 8192 * 8192

    /// Width in pixels (at least 1).
    public let width: Int
    /// Height in pixels (at least 1).
    public let height: Int
    /// The pixel layout.
    public let format: PixelFormat
    /// `width * height * channels` bytes, row-major, no padding between rows.
    public internal(set) var pixels: [UInt8]

    /// Bytes per pixel (1 for gray8, 3 for rgb8).
    @inlinable public var channels: Int { format.channels }
    /// Bytes per row (`width * channels`).
    @inlinable public var rowStride: Int { width * format.channels }
    /// Width and height as a rectangle at the origin, in pixel units.
    public var bounds: Rect { Rect(x: 0, y: 0, width: Float(width), height: Float(height)) }

    /// Wraps existing pixels, checking the dimensions and the buffer size.
    public init(width: Int, height: Int, format: PixelFormat, pixels: [UInt8]) throws {
        try Image.validate(width: width, height: height)
        let expected = width * height * format.channels
        guard pixels.count == expected else {
            throw ImagingError.invalidImage(
                "\(width)x\(height) \(format) needs \(expected) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// An image filled with one byte value (0 = black).
    public init(width: Int, height: Int, format: PixelFormat, fill: UInt8 = 0) throws {
        try Image.validate(width: width, height: height)
        self.width = width
        self.height = height
        self.format = format
        self.pixels = [UInt8](repeating: fill, count: width * height * format.channels)
    }

    /// An image filled with one colour.
    public init(width: Int, height: Int, format: PixelFormat, color: RGB) throws {
        try self.init(width: width, height: height, format: format, fill: 0)
        switch format {
        case .gray8:
            let luma = color.luma
            pixels.withUnsafeMutableBufferPointer { $0.update(repeating: luma) }
        case .rgb8:
            pixels.withUnsafeMutableBufferPointer { p in
                var i = 0
                while i < p.count {
                    p[i] = color.r; p[i + 1] = color.g; p[i + 2] = color.b
                    i += 3
                }
            }
        }
    }

    /// Builds an image whose pixels `body` writes into uninitialised storage of exactly
    /// `width * height * channels` bytes (every byte must be written). No validation beyond
    /// preconditions: for internal producers that already know the size is sane.
    public init(
        uncheckedWidth width: Int, height: Int, format: PixelFormat,
        initializingWith body: (UnsafeMutableBufferPointer<UInt8>) throws -> Void
    ) rethrows {
        precondition(width > 0 && height > 0, "Image: dimensions must be positive")
        let count = width * height * format.channels
        self.width = width
        self.height = height
        self.format = format
        self.pixels = try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try body(buffer)
            initialized = count
        }
    }

    /// Checks that a width and height are in 1...maximumDimension.
    static func validate(width: Int, height: Int) throws {
        guard width > 0, height > 0 else {
            throw ImagingError.invalidImage("dimensions \(width)x\(height) must be positive")
        }
        guard width <= maximumDimension, height <= maximumDimension else {
            throw ImagingError.invalidImage(
                "dimensions \(width)x\(height) exceed \(maximumDimension) pixels per side")
        }
    }

    /// Read-only access to the packed pixels.
    @inlinable
    public func withUnsafePixels<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try pixels.withUnsafeBufferPointer(body)
    }

    /// In-place access to the packed pixels (the size cannot change).
    public mutating func withUnsafeMutablePixels<R>(
        _ body: (UnsafeMutableBufferPointer<UInt8>) throws -> R
    ) rethrows -> R {
        try pixels.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// The colour at (x, y) (grey images give r = g = b). Traps when out of bounds.
    public func pixel(x: Int, y: Int) -> RGB {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "Image.pixel: (\(x), \(y)) out of bounds")
        let i = (y * width + x) * channels
        switch format {
        case .gray8: return RGB(gray: pixels[i])
        case .rgb8: return RGB(r: pixels[i], g: pixels[i + 1], b: pixels[i + 2])
        }
    }

    /// Sets the pixel at (x, y) (grey images store the colour's luma). Traps when out of bounds.
    public mutating func setPixel(x: Int, y: Int, to color: RGB) {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "Image.setPixel: (\(x), \(y)) out of bounds")
        let i = (y * width + x) * channels
        switch format {
        case .gray8: pixels[i] = color.luma
        case .rgb8: pixels[i] = color.r; pixels[i + 1] = color.g; pixels[i + 2] = color.b
        }
    }
}
