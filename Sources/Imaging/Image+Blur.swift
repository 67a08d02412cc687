#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Image {
    /// The image blurred by a separable Gaussian of standard deviation `sigma` pixels (kernel radius 3σ,
    /// edges repeated). `sigma` ≤ 0 returns the image unchanged.
    public func gaussianBlurred(sigma: Float) -> Image {
        guard sigma > 0, sigma.isFinite else { return self }
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var kernel = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * Double(sigma * sigma)))) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        var values = pixels.map(Float.init)
        values = Self.blurPass(values, width: width, height: height, channels: channels, kernel: kernel, alongRows: true)
        values = Self.blurPass(values, width: width, height: height, channels: channels, kernel: kernel, alongRows: false)
        return Image(uncheckedWidth: width, height: height, format: format) { out in
            for i in values.indices { out[i] = UInt8(min(255, max(0, values[i].rounded()))) }
        }
    }

    /// One 1-D pass of `kernel` (odd length, centred) along the rows or the columns, edges repeated.
    private static func blurPass(_ src: [Float], width w: Int, height h: Int, channels c: Int, kernel: [Float],
                                 alongRows: Bool) -> [Float] {
        let radius = kernel.count / 2
        var out = [Float](repeating: 0, count: src.count)
        for y in 0..<h {
            for x in 0..<w {
                for ch in 0..<c {
                    var sum: Float = 0
                    for k in -radius...radius {
                        let xx = alongRows ? min(max(x + k, 0), w - 1) : x
                        let yy = alongRows ? y : min(max(y + k, 0), h - 1)
                        sum += kernel[k + radius] * src[(yy * w + xx) * c + ch]
                    }
                    out[(y * w + x) * c + ch] = sum
                }
            }
        }
        return out
    }
}
