import CTurboJPEG

/// Decodes JPEGs straight to Y'CbCr planes (libturbojpeg's tjDecompressToYUVPlanes), skipping colour
/// conversion; one instance per thread, reusing one turbojpeg handle for every frame.
///
/// The JPEG's own subsampling is kept: 4:4:4, 4:2:2, 4:2:0, 4:4:0 and grey come out as they are coded
/// (range `.full`, as JFIF defines). Other layouts (4:1:1) are decoded to RGB and converted to 4:4:4.
/// CMYK/YCCK JPEGs are refused, as `ImageCodec` refuses them. Damaged data follows `ImageCodec`'s policy:
/// libjpeg warnings (e.g. a frame cut short inside the entropy-coded data) are accepted and
/// reported in `lastWarning`; fatal errors throw.
public final class JPEGYUVDecoder {
    private var handle: tjhandle

    /// libjpeg's warning for the last decoded image, or nil when it decoded cleanly.
    public private(set) var lastWarning: String?

    /// Creates a decoder (allocates the turbojpeg handle).
    public init() throws {
        guard let handle = tjInitDecompress() else {
            throw ImagingError.corruptData(name: "<decoder>", format: "JPEG",
                                           detail: "tjInitDecompress: \(JPEGDecoder.errorText(nil))")
        }
        self.handle = handle
    }

    deinit {
        tjDestroy(handle)
    }

    /// Decodes one JPEG held in `bytes`; `name` appears in error messages.
    public func decode(_ bytes: [UInt8], name: String = "<memory>") throws -> YUVImage {
        try bytes.withUnsafeBytes { try decode(bytes: $0, name: name) }
    }

    /// Decodes one JPEG from memory the caller owns; `name` appears in error messages.
    public func decode(bytes: UnsafeRawBufferPointer, name: String = "<memory>") throws -> YUVImage {
        do {
            return try decodeOnce(bytes: bytes, name: name)
        } catch {
            // turbojpeg 2.1 does not always reset its libjpeg state after a failure (a header error
            // leaves the marker reader mid-segment): start the next frame on a fresh handle.
            if let fresh = tjInitDecompress() {
                tjDestroy(handle)
                handle = fresh
            }
            throw error
        }
    }

    private func decodeOnce(bytes: UnsafeRawBufferPointer, name: String) throws -> YUVImage {
        lastWarning = nil
        guard bytes.count > 0 else { throw ImagingError.emptyFile(name: name) }
        let source = bytes.bindMemory(to: UInt8.self)
        let size = UInt(source.count)

        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        if tjDecompressHeader3(handle, source.baseAddress, size, &width, &height, &subsampling, &colorspace) != 0 {
            throw ImagingError.corruptData(name: name, format: "JPEG", detail: JPEGDecoder.errorText(handle))
        }
        if width == 0 && height == 0 {
            throw ImagingError.corruptData(name: name, format: "JPEG", detail: "no frame header (SOF) before the data ends")
        }
        try ImageCodec.checkDimensions(width: Int(width), height: Int(height), name: name)
        if colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue) {
            throw ImagingError.unsupportedEncoding(name: name, detail: "CMYK/YCCK JPEG; convert it to RGB first")
        }

        switch UInt32(bitPattern: subsampling) {
        case TJSAMP_444.rawValue, TJSAMP_422.rawValue, TJSAMP_420.rawValue, TJSAMP_GRAY.rawValue, TJSAMP_440.rawValue:
            break
        default:
            return YUVImage(rgb: try decodeRGB(source, width: width, height: height, name: name))
        }
        return try decodePlanes(source, width: Int(width), height: Int(height), subsampling: subsampling, name: name)
    }

    /// tjDecompressToYUVPlanes into fresh planes. turbojpeg pads the luma plane to a whole number of
    /// chroma samples (e.g. an even width for 4:2:0); when that padding exists the plane is decoded into a
    /// scratch buffer and copied once, otherwise straight into the luma image.
    private func decodePlanes(_ source: UnsafeBufferPointer<UInt8>, width: Int, height: Int, subsampling: Int32,
                              name: String) throws -> YUVImage {
        let w = Int32(width), h = Int32(height)
        let lumaWidth = Int(tjPlaneWidth(0, w, subsampling)), lumaHeight = Int(tjPlaneHeight(0, h, subsampling))
        let gray = subsampling == Int32(TJSAMP_GRAY.rawValue)
        let chromaWidth = gray ? 0 : Int(tjPlaneWidth(1, w, subsampling))
        let chromaHeight = gray ? 0 : Int(tjPlaneHeight(1, h, subsampling))
        guard lumaWidth >= width, lumaHeight >= height, chromaWidth >= 0, chromaHeight >= 0 else {
            throw ImagingError.corruptData(name: name, format: "JPEG", detail: "turbojpeg reported no plane sizes")
        }
        let chromaCount = chromaWidth * chromaHeight
        var cb = [UInt8](repeating: 0, count: chromaCount)
        var cr = [UInt8](repeating: 0, count: chromaCount)
        let padded = lumaWidth != width || lumaHeight != height

        var failure: ImagingError?
        let luma = Image(uncheckedWidth: width, height: height, format: .gray8) { y in
            cb.withUnsafeMutableBufferPointer { cbOut in
                cr.withUnsafeMutableBufferPointer { crOut in
                    let scratch: UnsafeMutablePointer<UInt8>? =
                        padded ? .allocate(capacity: lumaWidth * lumaHeight) : nil
                    defer { scratch?.deallocate() }
                    let yPlane = scratch ?? y.baseAddress!
                    var planes: [UnsafeMutablePointer<UInt8>?] = gray
                        ? [yPlane, nil, nil] : [yPlane, cbOut.baseAddress, crOut.baseAddress]
                    var strides: [Int32] = [Int32(lumaWidth), Int32(chromaWidth), Int32(chromaWidth)]
                    let status = tjDecompressToYUVPlanes(handle, source.baseAddress, UInt(source.count),
                                                         &planes, w, &strides, h, 0)
                    if status != 0 {
                        if tjGetErrorCode(handle) == Int32(TJERR_FATAL.rawValue) {
                            failure = .corruptData(name: name, format: "JPEG", detail: JPEGDecoder.errorText(handle))
                        } else {
                            lastWarning = JPEGDecoder.errorText(handle)
                        }
                    }
                    if let scratch {
                        for row in 0..<height {
                            (y.baseAddress! + row * width).update(from: scratch + row * lumaWidth, count: width)
                        }
                    }
                }
            }
        }
        if let failure { throw failure }
        if gray { cb = []; cr = [] }
        return try YUVImage(luma: luma, cb: cb, cr: cr, chromaWidth: chromaWidth, chromaHeight: chromaHeight,
                            range: .full)
    }

    /// The fallback: an RGB decode with the same handle (for subsamplings kept as 4:4:4).
    private func decodeRGB(_ source: UnsafeBufferPointer<UInt8>, width: Int32, height: Int32,
                           name: String) throws -> Image {
        try Image(uncheckedWidth: Int(width), height: Int(height), format: .rgb8) { out in
            let status = tjDecompress2(handle, source.baseAddress, UInt(source.count), out.baseAddress,
                                       width, 0, height, Int32(TJPF_RGB.rawValue), 0)
            if status != 0 {
                if tjGetErrorCode(handle) == Int32(TJERR_FATAL.rawValue) {
                    throw ImagingError.corruptData(name: name, format: "JPEG", detail: JPEGDecoder.errorText(handle))
                }
                lastWarning = JPEGDecoder.errorText(handle)
            }
        }
    }
}
