extension FaceTracker {
    /// Tuning knobs of the tracker, with defaults measured on the 1080p pedestrian clip (detections every
    /// 5th frame at 25 fps) and meant for webcams at 640x480 30 fps as well.
    public struct Options: Sendable, Equatable {
        // MARK: Visual tracking

        /// Side of the square template a face box is resampled to, in pixels; a multiple of 16 in 16...64.
        /// 32 keeps enough detail of a face and costs ~1 k multiply-adds per searched position.
        public var templateSize: Int = 32
        /// How far around the predicted box the template is searched, in template pixels on each side
        /// (8 of 32 = a quarter of the box width per frame beyond the motion prediction); 1...32.
        public var searchMargin: Int = 8
        /// Relative size change tried each frame (the box is also searched at 1 ± this); 0...0.25, 0 disables.
        public var scaleStep: Float = 0.05
        /// Weight of the newest view when the template adapts on a confidently tracked frame, 0...1
        /// (detections re-seed the template completely).
        public var learningRate: Float = 0.1
        /// Peak NCC a search needs for the template to adapt to the new view (lower matches, e.g. a face
        /// partly covered by another, would teach the template the occluder); 0...1.
        public var minAdaptConfidence: Float = 0.7
        /// Weight of the newest frame-to-frame displacement in the constant-velocity prediction, 0...1.
        public var velocitySmoothing: Float = 0.5
        /// Peak NCC below which a search is not trusted: the box coasts on its predicted motion and the
        /// template is not updated; 0...1.
        public var minTrackingConfidence: Float = 0.5

        // MARK: Association and lifecycle

        /// Least IoU between a detection and a track's box for them to be matched; 0...1. Low enough to
        /// re-attach a face whose box drifted during a partial occlusion.
        public var minIoU: Float = 0.2
        /// Detections a new track needs before it is confirmed (shown and given an id); at least 1.
        public var minHits: Int = 2
        /// A new track whose first detection scores at least this is confirmed at once (above 1 disables).
        /// YuNet scores small real faces 0.6-0.9, so 0.8 shows most faces on their first detection while
        /// weak (more often false) detections wait for a second one.
        public var confirmScore: Float = 0.8
        /// Detector frames in a row a tentative track may miss before it is dropped; at least 0.
        public var maxTentativeMisses: Int = 1
        /// Seconds without a matching detection after which a confirmed track ends (`.lost`); > 0.
        public var maxLostTime: Double = 1.0
        /// Seconds of searches below `minTrackingConfidence` (and no detection) after which a track ends
        /// (`.trackingFailed`); > 0.
        public var maxLowConfidenceTime: Double = 0.5
        /// Fraction of the box that must stay inside the frame; less ends the track (`.leftFrame`); 0...1.
        public var minVisibleFraction: Float = 0.5

        public init() {}

        /// Throws `TrackingError.invalidOption` naming the first field out of range.
        public func validate() throws {
            func check(_ ok: Bool, _ field: String, _ reason: String) throws {
                if !ok { throw TrackingError.invalidOption(field: field, reason: reason) }
            }
            try check(templateSize >= 16 && templateSize <= 64 && templateSize % 16 == 0, "templateSize",
                      "\(templateSize) must be 16, 32, 48 or 64")
            try check((1...32).contains(searchMargin), "searchMargin", "\(searchMargin) must be in 1...32")
            try check(scaleStep >= 0 && scaleStep <= 0.25, "scaleStep", "\(scaleStep) must be in 0...0.25")
            try check(learningRate >= 0 && learningRate <= 1, "learningRate", "\(learningRate) must be in 0...1")
            try check(minAdaptConfidence >= 0 && minAdaptConfidence <= 1, "minAdaptConfidence",
                      "\(minAdaptConfidence) must be in 0...1")
            try check(velocitySmoothing >= 0 && velocitySmoothing <= 1, "velocitySmoothing",
                      "\(velocitySmoothing) must be in 0...1")
            try check(minTrackingConfidence >= 0 && minTrackingConfidence <= 1, "minTrackingConfidence",
                      "\(minTrackingConfidence) must be in 0...1")
            try check(minIoU >= 0 && minIoU <= 1, "minIoU", "\(minIoU) must be in 0...1")
            try check(minHits >= 1, "minHits", "\(minHits) must be at least 1")
            try check(!confirmScore.isNaN, "confirmScore", "must be a number")
            try check(maxTentativeMisses >= 0, "maxTentativeMisses", "\(maxTentativeMisses) must be at least 0")
            try check(maxLostTime > 0 && maxLostTime.isFinite, "maxLostTime", "\(maxLostTime) must be a positive number of seconds")
            try check(maxLowConfidenceTime > 0 && maxLowConfidenceTime.isFinite, "maxLowConfidenceTime",
                      "\(maxLowConfidenceTime) must be a positive number of seconds")
            try check(minVisibleFraction >= 0 && minVisibleFraction <= 1, "minVisibleFraction",
                      "\(minVisibleFraction) must be in 0...1")
        }
    }
}
