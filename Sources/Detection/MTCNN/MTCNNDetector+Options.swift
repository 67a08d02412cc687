extension MTCNNDetector {
    /// MTCNN's tuning knobs, with facenet-pytorch's `MTCNN` / `detect_face` defaults.
    public struct Options: Sendable, Equatable {
        /// Smallest face side searched for, in image pixels; the pyramid starts at scale 12 / minFaceSize.
        public var minFaceSize: Double = 20
        /// Ratio between successive pyramid levels, in (0, 1).
        public var scaleFactor: Double = 0.709
        /// Face-probability thresholds of P-Net, R-Net and O-Net.
        public var thresholds: [Float] = [0.6, 0.7, 0.7]
        /// IoU above which P-Net's weaker proposals are dropped within one pyramid level.
        public var nmsWithinScale: Float = 0.5
        /// IoU above which proposals are dropped across all levels.
        public var nmsAcrossScales: Float = 0.7
        /// IoU above which R-Net's weaker boxes are dropped.
        public var nmsAfterRefine: Float = 0.7
        /// Overlap (intersection over the smaller box, "Min") above which O-Net's weaker faces are dropped.
        public var nmsAfterOutput: Float = 0.7

        public init() {}

        /// Why these options cannot work, or nil.
        var problem: String? {
            guard minFaceSize.isFinite, minFaceSize >= 1 else { return "minimum face size \(minFaceSize) must be at least 1 pixel" }
            guard scaleFactor > 0.05, scaleFactor < 1 else { return "scale factor \(scaleFactor) must be in (0.05, 1)" }
            guard thresholds.count == 3, thresholds.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
                return "thresholds \(thresholds) must be three values in 0...1"
            }
            for value in [nmsWithinScale, nmsAcrossScales, nmsAfterRefine, nmsAfterOutput] where !(value >= 0 && value <= 1) {
                return "NMS threshold \(value) must be in 0...1"
            }
            return nil
        }
    }
}
