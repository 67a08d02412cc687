import Foundation
import Imaging

/// Chroma layouts the tests build frames in.
enum ChromaLayout {
    case yuv420, yuv422, yuv444, gray
}

/// Builds YUV frames from RGB pictures (BT.601), the way a camera would deliver them.
enum TestFrames {
    /// Converts an rgb8 image to planar Y'CbCr in `layout` and `range` (chroma averaged over each block).
    static func yuv(from rgb: Image, layout: ChromaLayout, range: YUVRange) throws -> YUVImage {
        let w = rgb.width, h = rgb.height
        var y = [UInt8](repeating: 0, count: w * h)
        var cbFull = [Float](repeating: 0, count: w * h), crFull = cbFull
        for j in 0..<h {
            for i in 0..<w {
                let p = rgb.pixel(x: i, y: j)
                let r = Float(p.r), g = Float(p.g), b = Float(p.b)
                let luma = 0.299 * r + 0.587 * g + 0.114 * b
                cbFull[j * w + i] = -0.168736 * r - 0.331264 * g + 0.5 * b
                crFull[j * w + i] = 0.5 * r - 0.418688 * g - 0.081312 * b
                y[j * w + i] = quantize(range == .full ? luma : 16 + luma * 219 / 255)
            }
        }
        let (cw, ch): (Int, Int)
        switch layout {
        case .yuv420: (cw, ch) = ((w + 1) / 2, (h + 1) / 2)
        case .yuv422: (cw, ch) = ((w + 1) / 2, h)
        case .yuv444: (cw, ch) = (w, h)
        case .gray: (cw, ch) = (0, 0)
        }
        var cb = [UInt8](repeating: 0, count: cw * ch), cr = cb
        let sx = cw < w ? 2 : 1, sy = ch < h ? 2 : 1 // subsampled by two, the last block may be cut
        for j in 0..<ch {
            for i in 0..<cw {
                var u: Float = 0, v: Float = 0, n: Float = 0
                for dy in 0..<sy {
                    for dx in 0..<sx {
                        let x = min(w - 1, i * sx + dx), yy = min(h - 1, j * sy + dy)
                        u += cbFull[yy * w + x]
                        v += crFull[yy * w + x]
                        n += 1
                    }
                }
                u /= n
                v /= n
                let scale: Float = range == .full ? 1 : 224 / 255
                cb[j * cw + i] = quantize(128 + u * scale)
                cr[j * cw + i] = quantize(128 + v * scale)
            }
        }
        let luma = try Image(width: w, height: h, format: .gray8, pixels: y)
        return try YUVImage(luma: luma, cb: cb, cr: cr, chromaWidth: cw, chromaHeight: ch, range: range)
    }

    private static func quantize(_ v: Float) -> UInt8 { UInt8(max(0, min(255, v.rounded()))) }

    /// An rgb8 image of one colour.
    static func solid(width: Int, height: Int, color: RGB) throws -> Image {
        try Image(width: width, height: height, format: .rgb8, color: color)
    }
}

/// Pixel statistics on screenshots.
enum PixelStats {
    /// Mean absolute difference per channel between two images over a rectangle (clipped to both).
    static func meanDifference(_ a: Image, _ b: Image, x0: Int, y0: Int, x1: Int, y1: Int,
                               offsetA: (Int, Int) = (0, 0)) -> Double {
        var sum = 0, n = 0
        for y in max(0, y0)..<min(y1, b.height) {
            for x in max(0, x0)..<min(x1, b.width) {
                let ax = x + offsetA.0, ay = y + offsetA.1
                guard ax >= 0, ay >= 0, ax < a.width, ay < a.height else { continue }
                let p = a.pixel(x: ax, y: ay), q = b.pixel(x: x, y: y)
                sum += abs(Int(p.r) - Int(q.r)) + abs(Int(p.g) - Int(q.g)) + abs(Int(p.b) - Int(q.b))
                n += 3
            }
        }
        return n > 0 ? Double(sum) / Double(n) : .infinity
    }

    /// True when two colours differ by at most `tolerance` in every channel.
    static func close(_ a: RGB, _ b: RGB, _ tolerance: Int) -> Bool {
        abs(Int(a.r) - Int(b.r)) <= tolerance && abs(Int(a.g) - Int(b.g)) <= tolerance && abs(Int(a.b) - Int(b.b)) <= tolerance
    }

    /// The largest channel range (max − min) over a rectangle.
    static func spread(_ image: Image, x0: Int, y0: Int, x1: Int, y1: Int) -> Int {
        var lo = [255, 255, 255], hi = [0, 0, 0]
        for y in y0..<y1 {
            for x in x0..<x1 {
                let p = image.pixel(x: x, y: y)
                for (c, v) in [Int(p.r), Int(p.g), Int(p.b)].enumerated() {
                    lo[c] = min(lo[c], v)
                    hi[c] = max(hi[c], v)
                }
            }
        }
        return (0..<3).map { hi[$0] - lo[$0] }.max() ?? 0
    }
}

extension Rect {
    var midX: Float { x + width / 2 }
    var midY: Float { y + height / 2 }
}
