import Imaging

/// Camera-like test frames made from a committed photo.
public enum DriftingFrames {
    /// `count` 640x480 frames of two_people.jpg drifting right by 2 px a frame, as JPEGs (quality 80).
    public static func twoPeople(_ count: Int) throws -> [[UInt8]] {
        let photo = try ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent("two_people.jpg").path,
                                          as: .rgb8)
        let scale = Float(photo.width) / 600
        return try (0..<count).map { i in
            let map = AffineMap(a: scale, b: 0, tx: Float(-20 + 2 * i) * scale, c: 0, d: scale, ty: -60 * scale)
            return try JPEGEncoder.encode(try photo.warpAffine(map, width: 640, height: 480), quality: 80)
        }
    }
}
