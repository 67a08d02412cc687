import Capture
import Imaging

/// Makes the bytes an emulated camera delivers: each source picture resized to the mode, then
/// JPEG-encoded (MJPEG), converted to packed 4:2:2 limited range (YUYV) or to luma (GREY). Cached per picture and mode.
final class FrameSynthesizer {
    private let pictures: [Image]
    private var cache: [Key: [UInt8]] = [:]

    private struct Key: Hashable {
        var picture: Int
        var format: V4L2PixelFormat
        var width: Int
        var height: Int
    }

    /// `pictures` are converted to rgb8; with none, a colour-bar test pattern is used.
    init(pictures: [Image]) {
        let converted = pictures.map { $0.converted(to: .rgb8) }
        self.pictures = converted.isEmpty ? [Self.testPattern()] : converted
    }

    /// The bytes of frame number `frame` (pictures cycle) in `format` at `width` × `height`, lines
    /// `linePadding` bytes longer than packed for the raw formats. Nil for formats without frames (H264…).
    func frame(_ frame: Int, format: V4L2PixelFormat, width: Int, height: Int, linePadding: Int) -> [UInt8]? {
        let key = Key(picture: frame % pictures.count, format: format, width: width, height: height)
        if let cached = cache[key] { return cached }
        let picture = pictures[key.picture].resized(width: width, height: height)
        let bytes: [UInt8]
        switch format {
        case .mjpeg, .jpeg:
            guard let encoded = try? JPEGEncoder.encode(picture, quality: 85) else { return nil }
            bytes = encoded
        case .yuyv:
            bytes = Self.padLines(Self.yuyv(picture), lineLength: width * 2, padding: linePadding)
        case .grey:
            bytes = Self.padLines(Self.luma(picture), lineLength: width, padding: linePadding)
        default:
            return nil
        }
        cache[key] = bytes
        return bytes
    }

    /// Garbage that starts like a JPEG (SOI, APP0 marker) but cannot be decoded: what a USB
    /// transfer error leaves in an MJPEG buffer.
    static func corruptJPEG(seed: Int, length: Int = 4096) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]
        var state = UInt64(truncatingIfNeeded: seed) &* 6364136223846793005 &+ 1442695040888963407
        while bytes.count < length {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        return bytes
    }

    /// BT.601 limited-range luma of one RGB pixel (Y = 16 + 219 · Y').
    static func lumaLimited(_ r: Int, _ g: Int, _ b: Int) -> UInt8 {
        UInt8(clamping: ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16)
    }

    /// Packed YUYV (Y0 Cb Y1 Cr), BT.601 limited range; chroma from the mean of each pixel pair.
    static func yuyv(_ image: Image) -> [UInt8] {
        let width = image.width, height = image.height
        var out = [UInt8](repeating: 0, count: width * height * 2)
        image.withUnsafePixels { rgb in
            for y in 0..<height {
                for x in stride(from: 0, to: width, by: 2) {
                    let p0 = (y * width + x) * 3
                    let p1 = x + 1 < width ? p0 + 3 : p0
                    let r0 = Int(rgb[p0]), g0 = Int(rgb[p0 + 1]), b0 = Int(rgb[p0 + 2])
                    let r1 = Int(rgb[p1]), g1 = Int(rgb[p1 + 1]), b1 = Int(rgb[p1 + 2])
                    let r = (r0 + r1 + 1) / 2, g = (g0 + g1 + 1) / 2, b = (b0 + b1 + 1) / 2
                    let o = (y * width + x) * 2
                    out[o] = lumaLimited(r0, g0, b0)
                    out[o + 1] = UInt8(clamping: ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128)
                    if x + 1 < width { out[o + 2] = lumaLimited(r1, g1, b1) }
                    if o + 3 < out.count { out[o + 3] = UInt8(clamping: ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128) }
                }
            }
        }
        return out
    }

    /// Full-range luma (GREY cameras send plain 0...255 intensity).
    static func luma(_ image: Image) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: image.width * image.height)
        image.withUnsafePixels { rgb in
            for i in 0..<out.count {
                let r = Int(rgb[3 * i]), g = Int(rgb[3 * i + 1]), b = Int(rgb[3 * i + 2])
                out[i] = UInt8(clamping: (77 * r + 150 * g + 29 * b + 128) >> 8)
            }
        }
        return out
    }

    static func padLines(_ packed: [UInt8], lineLength: Int, padding: Int) -> [UInt8] {
        guard padding > 0, lineLength > 0 else { return packed }
        var out: [UInt8] = []
        out.reserveCapacity(packed.count / lineLength * (lineLength + padding))
        for start in stride(from: 0, to: packed.count, by: lineLength) {
            out.append(contentsOf: packed[start..<min(start + lineLength, packed.count)])
            out.append(contentsOf: repeatElement(0xA5, count: padding))
        }
        return out
    }

    /// Eight vertical colour bars, 640x480.
    static func testPattern() -> Image {
        let bars: [(UInt8, UInt8, UInt8)] = [
            (235, 235, 235), (235, 235, 16), (16, 235, 235), (16, 235, 16),
            (235, 16, 235), (235, 16, 16), (16, 16, 235), (16, 16, 16),
        ]
        return Image(uncheckedWidth: 640, height: 480, format: .rgb8) { out in
            for y in 0..<480 {
                for x in 0..<640 {
                    let bar = bars[x * bars.count / 640]
                    let o = (y * 640 + x) * 3
                    out[o] = bar.0; out[o + 1] = bar.1; out[o + 2] = bar.2
                }
            }
        }
    }
}
