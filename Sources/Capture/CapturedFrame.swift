import Imaging

/// One frame as a source delivers it, before decoding: the encoded or raw bytes and when it was taken.
public struct CapturedFrame: Sendable {
    /// The source's frame number, from 0, counting every frame the source produced (so gaps show drops upstream).
    public var sequence: Int
    /// Seconds since the stream started, on the source's own clock (file position for files, capture time for
    /// cameras). Tracking and smoothing use this time, so a file analysed faster than real time gives the same result.
    public var presentationTime: Double
    /// When the frame entered fer-live, in seconds on the monotonic clock (`MonotonicClock.now`): latency is measured from here.
    public var captureTime: Double
    /// Frame width in pixels (for encoded payloads, as the container announced it; 0 if unknown before decoding).
    public var width: Int
    /// Frame height in pixels (0 if unknown before decoding).
    public var height: Int
    /// How `bytes` are laid out.
    public var payload: FramePayload
    /// The frame's bytes, owned by the frame (copied out of any capture buffer).
    public var bytes: [UInt8]

    public init(sequence: Int, presentationTime: Double, captureTime: Double, width: Int, height: Int,
                payload: FramePayload, bytes: [UInt8]) {
        self.sequence = sequence
        self.presentationTime = presentationTime
        self.captureTime = captureTime
        self.width = width
        self.height = height
        self.payload = payload
        self.bytes = bytes
    }
}

/// The byte layout of a captured frame.
public enum FramePayload: Sendable, Equatable, CustomStringConvertible {
    /// One complete JPEG image (an MJPEG frame or a photo).
    case jpeg
    /// One PNG image (photos in a directory source).
    case png
    /// Packed 4:2:2, bytes Y0 Cb Y1 Cr (V4L2_PIX_FMT_YUYV).
    case yuyv(range: YUVRange)
    /// Planar Y, then Cb, then Cr, each chroma plane `chromaWidth` × `chromaHeight` (Y4M's C420/C422/C444).
    case planarYUV(chromaWidth: Int, chromaHeight: Int, range: YUVRange)
    /// Luma only (Y4M's Cmono, V4L2_PIX_FMT_GREY).
    case gray

    public var description: String {
        switch self {
        case .jpeg: return "jpeg"
        case .png: return "png"
        case .yuyv: return "yuyv"
        case .planarYUV(let cw, let ch, _): return "yuv-planar(\(cw)x\(ch) chroma)"
        case .gray: return "gray"
        }
    }
}
