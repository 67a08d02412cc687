/// Decodes JPEG (libturbojpeg) and PNG (libpng) images, choosing the decoder by magic bytes.
public enum ImageCodec {
    /// The container formats Imaging reads.
    public enum FileType: Sendable, Equatable {
        case jpeg
        case png
    }

    /// Reads and decodes an image file into `format` (colour images are converted to BT.601
    /// luma for `.gray8`; grey images are replicated for `.rgb8`).
    public static func decode(fileAt path: String, as format: PixelFormat) throws -> Image {
        let bytes = try FileIO.read(path)
        return try decode(data: bytes, as: format, name: path)
    }

    /// Decodes an in-memory JPEG or PNG; `name` (a path or "frame 12") appears in error messages.
    public static func decode(data: [UInt8], as format: PixelFormat, name: String = "<memory>") throws -> Image {
        try data.withUnsafeBytes { try decode(bytes: $0, as: format, name: name) }
    }

    /// Decodes a JPEG or PNG held in memory the caller owns (e.g. a capture buffer), without copying it.
    public static func decode(bytes: UnsafeRawBufferPointer, as format: PixelFormat, name: String = "<memory>") throws -> Image {
        guard bytes.count > 0 else { throw ImagingError.emptyFile(name: name) }
        switch fileType(of: bytes) {
        case .jpeg: return try JPEGDecoder.decode(bytes, as: format, name: name)
        case .png: return try PNGDecoder.decode(bytes, as: format, name: name)
        case nil: throw ImagingError.unsupportedFormat(name: name)
        }
    }

    /// The format announced by the first bytes (JPEG: FF D8 FF; PNG: the 8-byte signature), or nil.
    public static func fileType(of bytes: UnsafeRawBufferPointer) -> FileType? {
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if bytes.count >= png.count, zip(bytes.prefix(png.count), png).allSatisfy({ $0 == $1 }) { return .png }
        return nil
    }

    /// Rejects zero and oversized dimensions read from a header.
    static func checkDimensions(width: Int, height: Int, name: String) throws {
        guard width > 0, height > 0 else {
            throw ImagingError.zeroDimensions(name: name, width: width, height: height)
        }
        guard width <= Image.maximumDimension, height <= Image.maximumDimension,
              width * height <= Image.maximumDecodedPixels else {
            throw ImagingError.dimensionsTooLarge(name: name, width: width, height: height)
        }
    }
}
