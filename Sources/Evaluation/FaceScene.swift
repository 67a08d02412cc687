#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Imaging

/// A face crop put back into a larger frame, as a camera would see it: scaled, turned, placed on a
/// background, with an optional darker or blurrier exposure. The pipeline benchmark and the framing
/// calibration build their test frames with it.
public struct FaceScene: Sendable {
    /// How the frame is exposed.
    public enum Exposure: String, Sendable, CaseIterable, Codable {
        /// As the background and the face are.
        case normal
        /// A dim room: gain 0.4, gamma 1.4, sensor noise.
        case dark
        /// Out of focus: a Gaussian blur of σ = one pixel of a 48-pixel face (side / 48).
        case blurred
    }

    /// The side of the face square in frame pixels.
    public var side: Float
    /// The centre of the face square in frame pixels.
    public var center: Point
    /// The turn of the face, radians (positive = clockwise on screen).
    public var angle: Float
    public var exposure: Exposure
    /// Context drawn around the face, as a fraction of its side on each side: the face's own pixels mirrored
    /// at its edges (a tight 48x48 crop has no head outline, which detectors look for), feathered out.
    public var context: Float

    public init(side: Float, center: Point, angle: Float, exposure: Exposure = .normal, context: Float = 0) {
        self.side = side
        self.center = center
        self.angle = angle
        self.exposure = exposure
        self.context = context
    }

    /// The map from the face image's pixel coordinates (`faceSide` pixels a side) to frame coordinates.
    public func faceToFrame(faceSide: Int) -> AffineMap {
        let k = side / Float(faceSide)
        return AffineMap.translation(dx: -Float(faceSide) / 2, dy: -Float(faceSide) / 2)
            .then(.scale(x: k, y: k))
            .then(.rotation(radians: angle))
            .then(.translation(dx: center.x, dy: center.y))
    }

    /// `background` (RGB) with the square grey or RGB `face` drawn in, its edge feathered over a tenth of the
    /// side so no hard border gives the face away, then the exposure applied to the whole frame.
    /// `seed` fixes the sensor noise of a dark frame.
    public func render(face: Image, on background: Image, seed: UInt64 = 0) throws -> Image {
        guard face.width == face.height, face.width > 1 else {
            throw ImagingError.invalidArgument(operation: "FaceScene.render", detail: "face must be square, got \(face.width)x\(face.height)")
        }
        guard let toFace = faceToFrame(faceSide: face.width).inverted() else {
            throw ImagingError.invalidArgument(operation: "FaceScene.render", detail: "side \(side) gives no placement")
        }
        var frame = background.converted(to: .rgb8)
        let rgbFace = face.converted(to: .rgb8)
        let n = Float(face.width)
        let pad = max(0, context) * n
        let feather = max(1, n / 10)
        let reach = side * (1 + 2 * max(0, context)) * 0.7072 + 2
        let x0 = max(0, Int(center.x - reach)), x1 = min(frame.width - 1, Int(center.x + reach))
        let y0 = max(0, Int(center.y - reach)), y1 = min(frame.height - 1, Int(center.y + reach))
        if x0 <= x1 && y0 <= y1 {
            let fw = face.width, frameWidth = frame.width
            frame.withUnsafeMutablePixels { out in
                rgbFace.withUnsafePixels { src in
                    for y in y0...y1 {
                        for x in x0...x1 {
                            var p = toFace.apply(to: Point(x: Float(x) + 0.5, y: Float(y) + 0.5))
                            let edge = min(p.x, p.y, n - p.x, n - p.y) + pad
                            guard edge > 0 else { continue }
                            let alpha = min(1, edge / feather)
                            // mirrored at the face's edges for the context ring
                            p.x = p.x < 0 ? -p.x : (p.x > n ? 2 * n - p.x : p.x)
                            p.y = p.y < 0 ? -p.y : (p.y > n ? 2 * n - p.y : p.y)
                            // bilinear sample at pixel-centre coordinates, edges repeated
                            let fx = min(max(p.x - 0.5, 0), n - 1), fy = min(max(p.y - 0.5, 0), n - 1)
                            let ix = min(Int(fx), fw - 2), iy = min(Int(fy), fw - 2)
                            let ax = fx - Float(ix), ay = fy - Float(iy)
                            for c in 0..<3 {
                                let i00 = Float(src[(iy * fw + ix) * 3 + c]), i10 = Float(src[(iy * fw + ix + 1) * 3 + c])
                                let i01 = Float(src[((iy + 1) * fw + ix) * 3 + c]), i11 = Float(src[((iy + 1) * fw + ix + 1) * 3 + c])
                                let v = (i00 * (1 - ax) + i10 * ax) * (1 - ay) + (i01 * (1 - ax) + i11 * ax) * ay
                                let o = (y * frameWidth + x) * 3 + c
                                out[o] = UInt8(min(255, max(0, (Float(out[o]) * (1 - alpha) + v * alpha).rounded())))
                            }
                        }
                    }
                }
            }
        }
        switch exposure {
        case .normal: return frame
        case .dark: return Self.darkened(frame, seed: seed)
        case .blurred: return frame.gaussianBlurred(sigma: max(1, side / 48))
        }
    }

    /// Gain 0.4 and gamma 1.4 (a dim room on an auto-exposed webcam), plus Gaussian noise of σ = 3 grey levels.
    static func darkened(_ image: Image, seed: UInt64) -> Image {
        var out = image
        var rng = SplitMix64(seed: seed)
        out.withUnsafeMutablePixels { p in
            for i in p.indices {
                let v = 255 * 0.4 * pow(Float(p[i]) / 255, 1.4) + 3 * rng.nextGaussian()
                p[i] = UInt8(min(255, max(0, v.rounded())))
            }
        }
        return out
    }
}

/// A small seeded generator (SplitMix64) so benchmark scenes are the same on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in [0, 1).
    public mutating func nextUnit() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// A standard normal number (Box–Muller).
    public mutating func nextGaussian() -> Float {
        let u = max(nextUnit(), 1e-7), v = nextUnit()
        return (-2 * log(u)).squareRoot() * cos(2 * Float.pi * v)
    }
}
