/// How a track's emotion went over its life: what a `track_end` event reports.
public struct EmotionSummary: Sendable, Equatable {
    /// Seconds from the first prediction to the end.
    public var duration: Double
    /// Fraction of the duration under each displayed label (labels never shown are absent); sums to 1.
    public var shares: [String: Double]
    /// The displayed label's smoothed probability, averaged over time.
    public var meanConfidence: Float
    /// The label with the largest share.
    public var dominantLabel: String

    public init(duration: Double, shares: [String: Double], meanConfidence: Float, dominantLabel: String) {
        self.duration = duration
        self.shares = shares
        self.meanConfidence = meanConfidence
        self.dominantLabel = dominantLabel
    }
}
