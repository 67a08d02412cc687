import Capture
import Foundation

/// Something worth reporting to the event log: a track started or ended, an emotion changed, periodic figures.
public enum PipelineEvent: Sendable {
    /// A track was confirmed.
    case trackStart(FaceState, frame: Int, time: Double)
    /// A track's smoothed label changed (rate-limited).
    case emotion(EmotionChange, box: FaceState?, frame: Int, time: Double)
    /// A track ended.
    case trackEnd(TrackSummary, time: Double)
    /// Periodic figures (`final` for the last one, covering the whole run).
    case stats(StatisticsSnapshot, final: Bool, time: Double?)
    /// The source changed state (camera unplugged, back, end of file).
    case source(SourceState, time: Double?)

    /// The `type` field of the JSON line.
    public var type: String {
        switch self {
        case .trackStart: return "track_start"
        case .emotion: return "emotion"
        case .trackEnd: return "track_end"
        case .stats: return "stats"
        case .source: return "source"
        }
    }
}

/// Receives events; implementations must be safe to call from several threads.
public protocol EventSink: AnyObject, Sendable {
    func handle(_ event: PipelineEvent)
    /// Writes out anything buffered.
    func flush()
}
