extension HaarDetector {
    /// The parameters of OpenCV's `detectMultiScale`, with its defaults, plus an optional downscale.
    public struct Options: Sendable, Equatable {
        /// Ratio between successive pyramid levels (OpenCV `scaleFactor`); > 1. Larger is faster and coarser.
        public var scaleFactor: Double = 1.1
        /// Candidates a face needs besides itself to be kept (OpenCV `minNeighbors`); 0 returns every raw
        /// candidate ungrouped.
        public var minNeighbors: Int = 3
        /// Smallest face (window side) searched, in pixels of the image given to `detect`; 0: the cascade's
        /// window (24 px). Raising it is the cheapest way to speed the detector up.
        public var minSize: Int = 0
        /// Largest face searched, in image pixels; 0: no limit.
        public var maxSize: Int = 0
        /// Images wider than this are scaled down to it before detection (boxes are mapped back); nil: none.
        /// `minSize`/`maxSize` then count in the scaled image.
        public var inputWidth: Int?

        public init() {}

        /// The first option out of range, as a one-line message; nil when all are valid.
        public var problem: String? {
            if !(scaleFactor > 1 && scaleFactor <= 4) { return "scale factor \(scaleFactor) must be in (1, 4]" }
            if !(0...1000).contains(minNeighbors) { return "min neighbors \(minNeighbors) must be in 0...1000" }
            if minSize < 0 { return "minimum face size \(minSize) must be ≥ 0" }
            if maxSize < 0 { return "maximum face size \(maxSize) must be ≥ 0" }
            if maxSize > 0 && maxSize < minSize { return "maximum face size \(maxSize) is below the minimum \(minSize)" }
            if let inputWidth, !(32...4096).contains(inputWidth) { return "input width \(inputWidth) must be in 32...4096" }
            return nil
        }
    }
}
