import CTurboJPEG

/// JPEG decoding through libturbojpeg's tjDecompress2.
///
/// Policy on damaged data: libjpeg's *warnings* (for example "Premature end of JPEG file" on a
/// file cut short inside the entropy-coded data, where the missing blocks come out grey) are
/// accepted and the image is returned; only errors that turbojpeg reports as `TJERR_FATAL`
/// (bad headers, unsupported colour conversions, ...) throw. A camera frame with a damaged tail
/// is still worth analysing, and a header that cannot be parsed always fails.
enum JPEGDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, as format: PixelFormat, name: String) throws -> Image {
        guard let handle = tjInitDecompress() else {
            throw ImagingError.corruptData(name: name, format: "JPEG", detail: "tjInitDecompress: \(errorText(nil))")
        }
        defer { tjDestroy(handle) }
        let source = bytes.bindMemory(to: UInt8.self)
        let size = UInt(source.count)

        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        if tjDecompressHeader3(handle, source.baseAddress, size, &width, &height, &subsampling, &colorspace) != 0 {
            throw ImagingError.corruptData(name: name, format: "JPEG", detail: errorText(handle))
        }
        if width == 0 && height == 0 {
            // turbojpeg returns 0x0 without an error when the data ends before any frame header.
            throw ImagingError.corruptData(name: name, format: "JPEG", detail: "no frame header (SOF) before the data ends")
        }
        try ImageCodec.checkDimensions(width: Int(width), height: Int(height), name: name)
        if colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue) {
            throw ImagingError.unsupportedEncoding(name: name, detail: "CMYK/YCCK JPEG; convert it to RGB first")
        }

        let pixelFormat = format == .gray8 ? TJPF_GRAY : TJPF_RGB
        return try Image(uncheckedWidth: Int(width), height: Int(height), format: format) { out in
            let status = tjDecompress2(
                handle, source.baseAddress, size, out.baseAddress,
                width, 0, height, Int32(pixelFormat.rawValue), 0)
            if status != 0, tjGetErrorCode(handle) == Int32(TJERR_FATAL.rawValue) {
                throw ImagingError.corruptData(name: name, format: "JPEG", detail: errorText(handle))
            }
        }
    }

    /// turbojpeg's message for the last error on `handle` (or the global one).
    static func errorText(_ handle: tjhandle?) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown turbojpeg error" }
        return String(cString: text)
    }
}
