import Imaging

/// Reproducible test images without faces.
public enum FacelessImages {
    /// RGB noise from a fixed linear congruential sequence (the same pixels on every run).
    public static func noise(width: Int = 640, height: Int = 480, seed: UInt32 = 12345) throws -> Image {
        var state = seed
        let pixels = (0..<(width * height * 3)).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        return try Image(width: width, height: height, format: .rgb8, pixels: pixels)
    }
}
