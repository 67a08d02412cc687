/// A confirmed track that has ended: who it was, when it was seen and why it stopped.
public struct EndedTrack: Sendable, Equatable {
    /// Why a track ended.
    public enum Reason: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
        /// No detection matched it for `Options.maxLostTime` seconds.
        case lost
        /// The visual search stayed below `Options.minTrackingConfidence` for
        /// `Options.maxLowConfidenceTime` seconds without a detection.
        case trackingFailed
        /// Less than `Options.minVisibleFraction` of its box was inside the frame.
        case leftFrame
        /// The frame size changed, so boxes and templates no longer apply.
        case frameChanged
        /// The stream ended (`FaceTracker.finish(time:)`).
        case streamEnded

        public var description: String { rawValue }
    }

    /// The track's stable identity.
    public var id: Int
    /// Presentation time of its first detection, in seconds.
    public var firstSeen: Double
    /// The last time it was detected or confidently tracked, in seconds.
    public var lastSeen: Double
    /// Why it ended.
    public var reason: Reason

    public init(id: Int, firstSeen: Double, lastSeen: Double, reason: Reason) {
        self.id = id
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.reason = reason
    }
}
