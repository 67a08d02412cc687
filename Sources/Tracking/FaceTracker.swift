import Detection
import Imaging

/// Follows the faces of one stream from frame to frame and gives them stable ids.
///
/// Call `update(frame:time:detections:)` on frames where the detector ran and `track(frame:time:)` on the
/// frames in between. Every frame, each track's template is searched near its constant-velocity
/// prediction (`TemplateSearch`: normalised cross-correlation on the luma). On detector frames the
/// detections are then matched to the tracks by IoU (`BoxAssociation`, greedy best-first): a matched
/// track takes the detection's box and landmarks and re-seeds its template; an unmatched detection
/// starts a tentative track, confirmed (given the next id) after `minHits` detections or at once when
/// its score reaches `confirmScore`; a tentative track that misses more than `maxTentativeMisses` detector
/// frames in a row is dropped silently, and a second detection of a matched face (IoU ≥ 0.5) is ignored.
/// A confirmed track ends after `maxLostTime` seconds without a detection, after `maxLowConfidenceTime`
/// seconds of failed searches, or when its box leaves the frame.
///
/// Frames are gray8 at full resolution (`YUVImage.luma`); rgb8 frames are converted first. Times are
/// presentation times in seconds. One tracker per stream; not thread-safe.
public final class FaceTracker {
    /// The tuning in use.
    public let options: Options
    private let search: TemplateSearch
    private var tracks: [Track] = []
    private var nextID = 1
    private var frameWidth = 0
    private var frameHeight = 0
    /// The last valid frame time (used in place of a non-finite one).
    private var lastFrameTime = 0.0

    /// An unmatched detection overlapping a track that a detection matched this much is the same face
    /// reported twice, not a new face.
    static let duplicateIoU: Float = 0.5

    /// Frame intervals shorter than this (seconds) do not update the velocity.
    static let minVelocityInterval: Float = 0.002
    /// The fastest a face may move, in box widths per second.
    static let maxSpeed: Float = 10

    /// A tracker with `options` (throws `TrackingError.invalidOption` when one is out of range).
    public init(options: Options = Options()) throws {
        try options.validate()
        self.options = options
        search = TemplateSearch(size: options.templateSize, margin: options.searchMargin, scaleStep: options.scaleStep)
    }

    /// Tracks alive now (confirmed and tentative).
    public var activeTrackCount: Int { tracks.count }

    /// Processes a frame on which the detector ran: follows every track visually, matches `detections`
    /// to the tracks, starts and confirms tracks, and ends the lost ones.
    public func update(frame: Image, time: Double, detections: [DetectedFace]) -> TrackingResult {
        let time = validated(time)
        let gray = frame.format == .gray8 ? frame : frame.converted(to: .gray8)
        var result = TrackingResult()
        result.ended += adopt(gray)
        follow(gray, time: time)

        let valid = detections.filter { $0.box.isFinite && $0.box.width >= 1 && $0.box.height >= 1 && !$0.score.isNaN }
        let pairs = BoxAssociation.match(tracks.map(\.box), valid.map(\.box), minIoU: options.minIoU)
        var trackMatched = [Bool](repeating: false, count: tracks.count)
        var detectionUsed = [Bool](repeating: false, count: valid.count)
        for pair in pairs {
            let track = tracks[pair.row], detection = valid[pair.column]
            trackMatched[pair.row] = true
            detectionUsed[pair.column] = true
            track.box = detection.box
            track.landmarks = detection.landmarks
            track.template = search.template(frame: gray, box: detection.box)
            track.hits += 1
            track.lastDetected = time
            track.lastSeen = time
            track.detectionScore = detection.score
            track.confidence = 1
            track.lowConfidenceSince = nil
            if !track.isConfirmed && track.hits >= options.minHits { confirm(track, into: &result) }
        }
        // A tentative track may miss at most `maxTentativeMisses` detector frames in a row.
        var kept: [Track] = []
        for (i, track) in tracks.enumerated() {
            if trackMatched[i] {
                track.misses = 0
            } else {
                track.misses += 1
                if !track.isConfirmed && track.misses > options.maxTentativeMisses { continue }
            }
            kept.append(track)
        }
        tracks = kept
        let matchedBoxes = pairs.map { valid[$0.column].box }
        for (j, detection) in valid.enumerated() where !detectionUsed[j] {
            if matchedBoxes.contains(where: { $0.iou(detection.box) >= Self.duplicateIoU }) { continue }
            let track = Track(detection: detection, time: time, template: search.template(frame: gray, box: detection.box))
            tracks.append(track)
            if options.minHits <= 1 || detection.score >= options.confirmScore { confirm(track, into: &result) }
        }
        result.ended += retire(time: time)
        fill(&result)
        return result
    }

    /// Processes a frame without detections: follows every track visually and ends the lost ones.
    public func track(frame: Image, time: Double) -> TrackingResult {
        let time = validated(time)
        let gray = frame.format == .gray8 ? frame : frame.converted(to: .gray8)
        var result = TrackingResult()
        result.ended += adopt(gray)
        follow(gray, time: time)
        result.ended += retire(time: time)
        fill(&result)
        return result
    }

    /// Ends every confirmed track at the end of a stream at `time` (reason `.streamEnded`) and forgets
    /// all tracks; the tracker can then start a new stream.
    public func finish(time: Double) -> [EndedTrack] {
        let end = validated(time)
        let ended = tracks.filter(\.isConfirmed).map { track in
            var record = track.ended(.streamEnded)
            record.lastSeen = min(record.lastSeen, end)
            return record
        }
        tracks.removeAll()
        return ended
    }

    // MARK: - Steps

    /// `time`, or the previous frame's time when it is not finite (so a bad timestamp neither ends nor
    /// freezes tracks).
    private func validated(_ time: Double) -> Double {
        guard time.isFinite else { return lastFrameTime }
        lastFrameTime = time
        return time
    }

    /// Ends all tracks when the frame size changes (their boxes and templates belong to the old size).
    private func adopt(_ frame: Image) -> [EndedTrack] {
        defer { frameWidth = frame.width; frameHeight = frame.height }
        guard frame.width != frameWidth || frame.height != frameHeight, !tracks.isEmpty else { return [] }
        let ended = tracks.filter(\.isConfirmed).map { $0.ended(.frameChanged) }
        tracks.removeAll()
        return ended
    }

    /// Moves every track to `frame`: template search around the predicted box; coasting on the
    /// prediction when the search is not confident.
    private func follow(_ frame: Image, time: Double) {
        for track in tracks {
            let dt = Float(max(0, time - track.lastTime))
            let predicted = track.box.offsetBy(dx: track.velocityX * dt, dy: track.velocityY * dt)
            let match = search.search(frame: frame, template: track.template, around: predicted)
            track.confidence = match.confidence
            if match.confidence >= options.minTrackingConfidence {
                if dt >= Self.minVelocityInterval {
                    // Capped so a glitch (or timestamps a hair apart) cannot fling the prediction away.
                    let a = options.velocitySmoothing, limit = Self.maxSpeed * track.box.width
                    let vx = min(max((match.box.center.x - track.box.center.x) / dt, -limit), limit)
                    let vy = min(max((match.box.center.y - track.box.center.y) / dt, -limit), limit)
                    track.velocityX += a * (vx - track.velocityX)
                    track.velocityY += a * (vy - track.velocityY)
                }
                track.move(to: match.box)
                if options.learningRate > 0, match.confidence >= options.minAdaptConfidence {
                    search.adapt(&track.template, frame: frame, box: match.box, rate: options.learningRate)
                }
                track.lastSeen = time
                track.lowConfidenceSince = nil
            } else {
                track.move(to: predicted)
                if track.lowConfidenceSince == nil { track.lowConfidenceSince = time }
            }
            track.lastTime = time
        }
    }

    /// Removes the tracks that are lost, failing or out of the frame; returns the confirmed ones ended.
    private func retire(time: Double) -> [EndedTrack] {
        let bounds = Rect(x: 0, y: 0, width: Float(frameWidth), height: Float(frameHeight))
        var ended: [EndedTrack] = []
        tracks.removeAll { track in
            let reason: EndedTrack.Reason?
            if time - track.lastDetected > options.maxLostTime {
                reason = .lost
            } else if let since = track.lowConfidenceSince, time - since >= options.maxLowConfidenceTime {
                reason = .trackingFailed
            } else if !track.box.isFinite || track.box.area <= 0
                        || track.box.clamped(to: bounds).area < options.minVisibleFraction * track.box.area {
                reason = .leftFrame
            } else {
                reason = nil
            }
            guard let reason else { return false }
            if track.isConfirmed { ended.append(track.ended(reason)) }
            return true
        }
        return ended
    }

    private func confirm(_ track: Track, into result: inout TrackingResult) {
        track.isConfirmed = true
        track.id = nextID
        nextID += 1
        result.started.append(track.face)
    }

    private func fill(_ result: inout TrackingResult) {
        for track in tracks {
            if track.isConfirmed { result.faces.append(track.face) } else { result.tentative.append(track.face) }
        }
        result.faces.sort { $0.id < $1.id }
        // `started` holds the faces as they were when confirmed; refresh them to this frame's state.
        // A track confirmed and ended on the same frame was never shown: it neither starts nor ends.
        let current = Dictionary(uniqueKeysWithValues: result.faces.map { ($0.id, $0) })
        let vanished = Set(result.started.map(\.id).filter { current[$0] == nil })
        result.started = result.started.compactMap { current[$0.id] }
        result.ended.removeAll { vanished.contains($0.id) }
    }
}
