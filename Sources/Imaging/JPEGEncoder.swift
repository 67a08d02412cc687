import CTurboJPEG

/// JPEG encoding through libturbojpeg (RGB as 4:2:0, grey as single-channel JPEG).
public enum JPEGEncoder {
    /// The JPEG bytes of `image` at `quality` (1...100).
    public static func encode(_ image: Image, quality: Int = 90) throws -> [UInt8] {
        guard (1...100).contains(quality) else {
            throw ImagingError.invalidArgument(operation: "JPEG encode", detail: "quality \(quality) is not in 1...100")
        }
        guard let handle = tjInitCompress() else {
            throw ImagingError.encodeFailed(detail: "tjInitCompress: \(JPEGDecoder.errorText(nil))")
        }
        defer { tjDestroy(handle) }

        let (pixelFormat, subsampling) = image.format == .gray8 ? (TJPF_GRAY, TJSAMP_GRAY) : (TJPF_RGB, TJSAMP_420)
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        defer { if output != nil { tjFree(output) } }
        let status = image.withUnsafePixels { src in
            tjCompress2(handle, src.baseAddress, Int32(image.width), 0, Int32(image.height),
                        Int32(pixelFormat.rawValue), &output, &size,
                        Int32(subsampling.rawValue), Int32(quality), 0)
        }
        guard status == 0, let bytes = output else {
            throw ImagingError.encodeFailed(detail: JPEGDecoder.errorText(handle))
        }
        return Array(UnsafeBufferPointer(start: bytes, count: Int(size)))
    }

    /// Encodes `image` and writes it to `path` (created or truncated).
    public static func write(_ image: Image, to path: String, quality: Int = 90) throws {
        let bytes = try encode(image, quality: quality)
        try FileIO.write(bytes, to: path)
    }
}
