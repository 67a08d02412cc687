import Imaging

/// Turns captured frames of any payload into `YUVImage`s, decoding each frame once; one per thread
/// (it keeps a turbojpeg handle), not Sendable.
///
/// JPEG keeps its native subsampling (full range); YUYV is split into 4:2:2 planes; planar and grey
/// payloads are wrapped with one copy of the chroma at most; PNG is decoded to RGB and converted to
/// 4:4:4 full range. For raw payloads the byte count must match the frame's width and height (YUYV rows
/// may be padded: any whole number of bytes per row ≥ the packed size is accepted). For encoded payloads
/// the image's own header is authoritative and the frame's width/height are not checked.
public final class FrameDecoder {
    /// The source name used in error messages ("clip.mjpeg frame 17: ...").
    public var sourceName: String
    private let jpeg: JPEGYUVDecoder

    /// A decoder for frames of the source called `sourceName`.
    public init(sourceName: String) throws {
        self.sourceName = sourceName
        self.jpeg = try JPEGYUVDecoder()
    }

    /// libjpeg's warning for the last JPEG frame (e.g. "Premature end of JPEG file"), or nil.
    public var lastWarning: String? { jpeg.lastWarning }

    /// Decodes one frame. Passing the last reference to the frame lets planar and grey payloads reuse its bytes.
    public func decode(_ frame: consuming CapturedFrame) throws -> YUVImage {
        let sequence = frame.sequence
        let width = frame.width, height = frame.height
        let payload = frame.payload
        let bytes = frame.bytes
        frame.bytes = []  // so `bytes` may be the only reference to the storage
        do {
            switch payload {
            case .jpeg:
                return try jpeg.decode(bytes, name: sourceName)
            case .png:
                return YUVImage(rgb: try ImageCodec.decode(data: bytes, as: .rgb8, name: sourceName))
            case .yuyv(let range):
                try checkSize(width: width, height: height, sequence: sequence)
                let packed = (width + 1) / 2 * 4
                guard bytes.count % height == 0, bytes.count / height >= packed else {
                    throw mismatch(sequence, "YUYV \(width)x\(height) needs \(packed * height) bytes, got \(bytes.count)")
                }
                return try bytes.withUnsafeBytes {
                    try YUVImage(yuyv: $0, width: width, height: height, rowStride: bytes.count / height, range: range)
                }
            case .planarYUV(let chromaWidth, let chromaHeight, let range):
                try checkSize(width: width, height: height, sequence: sequence)
                let expected = width * height + 2 * chromaWidth * chromaHeight
                guard chromaWidth > 0, chromaHeight > 0, chromaWidth <= width, chromaHeight <= height,
                      bytes.count == expected else {
                    throw mismatch(sequence, "planar YUV \(width)x\(height) with \(chromaWidth)x\(chromaHeight) chroma "
                                   + "needs \(expected) bytes, got \(bytes.count)")
                }
                return try YUVImage(planar: consume bytes, width: width, height: height, chromaWidth: chromaWidth,
                                    chromaHeight: chromaHeight, range: range)
            case .gray:
                try checkSize(width: width, height: height, sequence: sequence)
                guard bytes.count == width * height else {
                    throw mismatch(sequence, "grey \(width)x\(height) needs \(width * height) bytes, got \(bytes.count)")
                }
                return try YUVImage(gray: consume bytes, width: width, height: height, range: .full)
            }
        } catch let error as FrameDecodeError {
            throw error
        } catch let error as ImagingError {
            throw FrameDecodeError(source: sourceName, frame: sequence, detail: FrameDecoder.detail(of: error))
        }
    }

    private func checkSize(width: Int, height: Int, sequence: Int) throws {
        guard width > 0, height > 0, width <= Image.maximumDimension, height <= Image.maximumDimension else {
            throw mismatch(sequence, "frame size \(width)x\(height) is not valid")
        }
    }

    private func mismatch(_ sequence: Int, _ detail: String) -> FrameDecodeError {
        FrameDecodeError(source: sourceName, frame: sequence, detail: detail)
    }

    /// An Imaging error's message without the name prefix (the frame error supplies it).
    static func detail(of error: ImagingError) -> String {
        switch error {
        case .corruptData(_, let format, let detail): return "corrupt \(format) data: \(detail)"
        case .unsupportedEncoding(_, let detail): return "unsupported encoding: \(detail)"
        case .unsupportedFormat: return "not a JPEG or PNG image"
        case .emptyFile: return "empty frame"
        case .zeroDimensions(_, let w, let h): return "image has zero size (\(w)x\(h))"
        case .dimensionsTooLarge(_, let w, let h): return "image is \(w)x\(h), too large"
        default: return error.description
        }
    }
}
