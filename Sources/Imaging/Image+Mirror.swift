extension Image {
    /// The image mirrored left to right (what test-time flip averaging feeds the classifier).
    public func mirrored() -> Image {
        var copy = self
        let channels = format.channels, stride = rowStride, w = width
        withUnsafePixels { source in
            copy.withUnsafeMutablePixels { destination in
                for y in 0..<height {
                    let row = y * stride
                    for x in 0..<w {
                        let from = row + x * channels, to = row + (w - 1 - x) * channels
                        for c in 0..<channels { destination[to + c] = source[from + c] }
                    }
                }
            }
        }
        return copy
    }
}
