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
}
