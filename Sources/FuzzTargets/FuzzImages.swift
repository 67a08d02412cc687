import Imaging

/// Small fixed images the targets run detectors on.
enum FuzzImages {
    /// 48x48 grey with a soft gradient and a darker blob, so Haar stages have something to evaluate.
    static let grey48: Image = {
        var pixels = [UInt8](repeating: 0, count: 48 * 48)
        for y in 0..<48 {
            for x in 0..<48 {
                let dx = x - 24, dy = y - 20
                pixels[y * 48 + x] = UInt8(clamping: 120 + x + y - (dx * dx + dy * dy < 100 ? 60 : 0))
            }
        }
        return try! Image(width: 48, height: 48, format: .gray8, pixels: pixels)
    }()

    /// 64x48 RGB colour bars: the picture an emulated camera films.
    static let colour64: Image = {
        var image = try! Image(width: 64, height: 48, format: .rgb8, fill: 0)
        for y in 0..<48 {
            for x in 0..<64 {
                image.setPixel(x: x, y: y, to: RGB(r: UInt8(x * 4), g: UInt8(y * 5), b: UInt8((x + y) * 2)))
            }
        }
        return image
    }()
}
