import CShims

/// A V4L2 pixel format, the four-character code a driver announces (`V4L2_PIX_FMT_*`).
public struct V4L2PixelFormat: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The little-endian fourcc value.
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Builds a format from its four characters ("MJPG").
    public init?(fourCC: String) {
        let bytes = Array(fourCC.utf8)
        guard bytes.count == 4 else { return nil }
        rawValue = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    }

    /// V4L2_PIX_FMT_MJPEG: Motion-JPEG, one JPEG image per buffer.
    public static let mjpeg = V4L2PixelFormat(rawValue: FER_V4L2_PIX_FMT_MJPEG)
    /// V4L2_PIX_FMT_JPEG: JFIF JPEG (some older webcams), one image per buffer.
    public static let jpeg = V4L2PixelFormat(rawValue: FER_V4L2_PIX_FMT_JPEG)
    /// V4L2_PIX_FMT_YUYV: packed 4:2:2, Y0 Cb Y1 Cr.
    public static let yuyv = V4L2PixelFormat(rawValue: FER_V4L2_PIX_FMT_YUYV)
    /// V4L2_PIX_FMT_GREY: 8-bit luma only (infrared and industrial cameras).
    public static let grey = V4L2PixelFormat(rawValue: FER_V4L2_PIX_FMT_GREY)
    /// V4L2_PIX_FMT_H264: H.264 elementary stream (listed, not captured).
    public static let h264 = V4L2PixelFormat(rawValue: FER_V4L2_PIX_FMT_H264)
    /// V4L2_PIX_FMT_NV12 (listed, not captured).
    public static let nv12 = V4L2PixelFormat(rawValue: FER_V4L2_PIX_FMT_NV12)
    /// V4L2_META_FMT_UVC: UVC payload-header metadata (metadata nodes).
    public static let uvcMetadata = V4L2PixelFormat(rawValue: FER_V4L2_META_FMT_UVC)

    /// The four characters ("MJPG", "YUYV").
    public var fourCC: String {
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: rawValue >> (8 * $0)) }
        return String(decoding: bytes.map { (0x20...0x7e).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
            .trimmingTrailingSpaces()
    }

    /// True for the formats fer-live can capture: MJPEG, JPEG, YUYV, GREY.
    public var isCapturable: Bool { captureName != nil }

    /// The name used on the command line and in mode descriptions ("mjpeg", "yuyv", "grey"), nil if not capturable.
    public var captureName: String? {
        switch self {
        case .mjpeg: return "mjpeg"
        case .jpeg: return "jpeg"
        case .yuyv: return "yuyv"
        case .grey: return "grey"
        default: return nil
        }
    }

    public var description: String { captureName ?? fourCC }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
