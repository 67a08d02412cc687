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
        let c = channels, w = width, h = height
        var temp = [Float](repeating: 0, count: w * h * c)
        pixels.withUnsafeBufferPointer { src in
            for y in 0..<h {
                for x in 0..<w {
                    for ch in 0..<c {
                        var sum: Float = 0
                        for k in -radius...radius {
                            let xx = min(max(x + k, 0), w - 1)
                            sum += kernel[k + radius] * Float(src[(y * w + xx) * c + ch])
                        }
                        temp[(y * w + x) * c + ch] = sum
                    }
                }
            }
        }
        return Image(uncheckedWidth: w, height: h, format: format) { out in
            for y in 0..<h {
                for x in 0..<w {
                    for ch in 0..<c {
                        var sum: Float = 0
                        for k in -radius...radius {
                            let yy = min(max(y + k, 0), h - 1)
                            sum += kernel[k + radius] * temp[(yy * w + x) * c + ch]
                        }
                        out[(y * w + x) * c + ch] = UInt8(min(255, max(0, sum.rounded())))
                    }
                }
            }
        }
    }
}
