import Capture
import Imaging

extension FuzzTarget {
    /// A photo file through `ImageCodec` (JPEG by turbojpeg, PNG by libpng), as grey and as RGB.
    static let image = FuzzTarget(
        name: "image", summary: "JPEG and PNG files through ImageCodec (turbojpeg, libpng), grey and RGB",
        maximumLength: 16 << 10
    ) { bytes in
        let grey = try? ImageCodec.decode(bytes: bytes, as: .gray8, name: "fuzz")
        let rgb = try? ImageCodec.decode(bytes: bytes, as: .rgb8, name: "fuzz")
        return grey != nil && rgb != nil
    }

    /// A raw camera frame with a hostile size: YUYV, planar YUV and grey through `FrameDecoder`, then to RGB.
    ///
    /// Input: byte 0 the payload (yuyv, planar, grey, jpeg, png), byte 1 the range, then width, height, chroma
    /// width and chroma height as little-endian UInt16, then the frame's bytes.
    static let frame = FuzzTarget(
        name: "frame", summary: "raw frames (YUYV, planar YUV, grey) with any size and byte count through FrameDecoder",
        maximumLength: 4 << 10
    ) { bytes in
        guard bytes.count >= 10 else { return false }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        let range: YUVRange = bytes[1] & 1 == 0 ? .limited : .full
        let payload: FramePayload
        switch bytes[0] % 5 {
        case 0: payload = .yuyv(range: range)
        case 1: payload = .planarYUV(chromaWidth: u16(6), chromaHeight: u16(8), range: range)
        case 2: payload = .gray
        case 3: payload = .jpeg
        default: payload = .png
        }
        let frame = CapturedFrame(sequence: 0, presentationTime: 0, captureTime: 0, width: u16(2), height: u16(4),
                                  payload: payload, bytes: Array(bytes[10...]))
        guard let decoder = try? FrameDecoder(sourceName: "fuzz"), let image = try? decoder.decode(frame) else { return false }
        // The full-size conversion only up to 4 megapixels: an encoded frame's own header sets its size (up to 67
        // megapixels), and converting 50 of them took over the 10-second limit in the sanitised debug build (a
        // 140-byte JPEG declaring 12288x4096; well under a second in a release build). The small conversion
        // below runs for every frame.
        if image.width * image.height <= 4 << 20 { _ = image.rgb() }
        _ = image.rgb(width: 7, height: 5)
        return true
    }
}
