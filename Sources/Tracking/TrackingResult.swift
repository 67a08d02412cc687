/// What a `FaceTracker` reports for one frame.
public struct TrackingResult: Sendable, Equatable {
    /// The confirmed faces on this frame (what overlays and event sinks show), in ascending id order.
    public var faces: [TrackedFace]
    /// Faces seen but not yet confirmed (id 0): candidates that may still turn out to be false detections.
    public var tentative: [TrackedFace]
    /// Faces that became confirmed on this frame (also in `faces`).
    public var started: [TrackedFace]
    /// Confirmed tracks that ended on this frame (no longer in `faces`).
    public var ended: [EndedTrack]

    public init(faces: [TrackedFace] = [], tentative: [TrackedFace] = [], started: [TrackedFace] = [],
                ended: [EndedTrack] = []) {
        self.faces = faces
        self.tentative = tentative
        self.started = started
        self.ended = ended
    }
}
