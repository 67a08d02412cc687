/// A planar 8-bit Y'CbCr image as cameras and video deliver it: full-resolution luma, subsampled chroma (BT.601).
public struct YUVImage: Sendable {
    /// Luma as a grey image (width × height): what the classifier and the tracker read, without conversion.
    public var luma: Image
    /// The Cb plane, `chromaWidth × chromaHeight` bytes, tightly packed (empty for a grey-only frame).
    public var cb: [UInt8]
    /// The Cr plane, same size as `cb`.
    public var cr: [UInt8]
    /// Chroma plane width (width for 4:4:4, (width+1)/2 for 4:2:2 and 4:2:0); 0 for grey-only frames.
    public let chromaWidth: Int
    /// Chroma plane height (height for 4:4:4 and 4:2:2, (height+1)/2 for 4:2:0); 0 for grey-only frames.
    public let chromaHeight: Int
    /// The code range of the samples.
    public let range: YUVRange

    /// Frame width in pixels.
    public var width: Int { luma.width }
    /// Frame height in pixels.
    public var height: Int { luma.height }
    /// True when the frame has no chroma (a grey source); conversions then give grey RGB.
    public var isGray: Bool { chromaWidth == 0 }

    /// Wraps planes, checking their sizes.
    public init(luma: Image, cb: [UInt8], cr: [UInt8], chromaWidth: Int, chromaHeight: Int, range: YUVRange) throws {
        guard luma.format == .gray8 else {
            throw ImagingError.invalidImage("YUV luma plane must be gray8, got \(luma.format)")
        }
        guard chromaWidth >= 0, chromaHeight >= 0, chromaWidth <= luma.width, chromaHeight <= luma.height,
              cb.count == chromaWidth * chromaHeight, cr.count == cb.count else {
            throw ImagingError.invalidImage(
                "YUV chroma planes \(cb.count)+\(cr.count) bytes do not match \(chromaWidth)x\(chromaHeight)")
        }
        self.luma = luma
        self.cb = cb
        self.cr = cr
        self.chromaWidth = chromaWidth
        self.chromaHeight = chromaHeight
        self.range = range
    }
}
