/// The code range of 8-bit Y'CbCr samples.
public enum YUVRange: Sendable, Hashable {
    /// 0...255 for Y, Cb and Cr (JPEG/JFIF, MJPEG cameras).
    case full
    /// 16...235 for Y, 16...240 for Cb/Cr (BT.601 video: YUYV cameras, most Y4M streams).
    case limited
}
