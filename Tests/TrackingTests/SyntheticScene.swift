import Imaging

/// A smooth random grey texture (two octaves of bilinearly interpolated value noise), sampled at
/// fractional coordinates so sprites can be placed with sub-pixel offsets and any scale.
struct Texture {
    let width: Int
    let height: Int
    private var values: [Float]

    /// A `width × height` texture with mean ~128 and the given contrast, reproducible from `seed`.
    init(width: Int, height: Int, seed: UInt32, contrast: Float = 60) {
        self.width = width
        self.height = height
        var state = seed &* 2_654_435_761 &+ 1
        func random() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24) * 2 - 1
        }
        var values = [Float](repeating: 128, count: width * height)
        for (cell, weight) in [(12, Float(1)), (5, Float(0.5))] {
            let gw = width / cell + 2, gh = height / cell + 2
            let grid = (0..<(gw * gh)).map { _ in random() }
            for y in 0..<height {
                for x in 0..<width {
                    let fx = Float(x) / Float(cell), fy = Float(y) / Float(cell)
                    let ix = Int(fx), iy = Int(fy)
                    let ax = fx - Float(ix), ay = fy - Float(iy)
                    let v0 = grid[iy * gw + ix] * (1 - ax) + grid[iy * gw + ix + 1] * ax
                    let v1 = grid[(iy + 1) * gw + ix] * (1 - ax) + grid[(iy + 1) * gw + ix + 1] * ax
                    values[y * width + x] += contrast * weight * (v0 * (1 - ay) + v1 * ay)
                }
            }
        }
        self.values = values
    }

    /// Bilinear value at (x, y) in texture pixels (pixel centres at +0.5), edges repeated.
    func sample(x: Float, y: Float) -> Float {
        let fx = min(max(x - 0.5, 0), Float(width - 1)), fy = min(max(y - 0.5, 0), Float(height - 1))
        let ix = min(Int(fx), width - 2), iy = min(Int(fy), height - 2)
        let ax = fx - Float(ix), ay = fy - Float(iy)
        let v0 = values[iy * width + ix] * (1 - ax) + values[iy * width + ix + 1] * ax
        let v1 = values[(iy + 1) * width + ix] * (1 - ax) + values[(iy + 1) * width + ix + 1] * ax
        return v0 * (1 - ay) + v1 * ay
    }
}

/// A grey frame with a textured background and textured rectangles ("faces") at given boxes.
struct SyntheticScene {
    var width = 640
    var height = 480
    let background: Texture

    init(width: Int = 640, height: Int = 480) {
        self.width = width
        self.height = height
        background = Texture(width: width / 4, height: height / 4, seed: 999, contrast: 25)
    }

    /// Renders the background and then each sprite (its texture stretched over its box), later ones on top.
    func render(_ sprites: [(texture: Texture, box: Rect)]) -> Image {
        Image(uncheckedWidth: width, height: height, format: .gray8) { out in
            for y in 0..<height {
                for x in 0..<width {
                    let px = Float(x) + 0.5, py = Float(y) + 0.5
                    var value = background.sample(x: px / 4, y: py / 4)
                    for sprite in sprites {
                        let b = sprite.box
                        if px >= b.minX, px < b.maxX, py >= b.minY, py < b.maxY {
                            value = sprite.texture.sample(x: (px - b.minX) / b.width * Float(sprite.texture.width),
                                                          y: (py - b.minY) / b.height * Float(sprite.texture.height))
                        }
                    }
                    out[y * width + x] = UInt8(min(max(value.rounded(), 0), 255))
                }
            }
        }
    }
}
