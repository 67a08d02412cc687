/// Turns a stream of logged events into face time per camera, bucket and hour, in bounded memory.
///
/// Each track's time line is rebuilt from its `emotion` events (the label holds from one change to
/// the next) between its first and last sighting from `track_end`; a track that spans buckets is split
/// by time. Only the open tracks, one number per finished track (its dwell) and one end time per track
/// id (to drop repeated lines) are kept, never the events. Feed each log's lines in order; give the
/// logs oldest first (`ReportBuilder` sorts them).
public struct EventAggregator {
    public let settings: ReportSettings
    public private(set) var input = InputTally()

    private struct TrackKey: Hashable {
        var source: String
        var track: Int
    }

    private struct OpenTrack {
        var start: Double
        var lastTime: Double
        /// Label changes: (wall time, label index).
        var changes: [(Double, Int)] = []
    }

    private struct CameraState {
        var tracks = 0
        var dwells: [Float] = []
        var total = FaceTime()
        var buckets: [Int: FaceTime] = [:]
        var hours: [Int: FaceTime] = [:]
    }

    private var labels: [String] = []
    private var labelIndex: [String: Int] = [:]
    private var open: [TrackKey: OpenTrack] = [:]
    /// The end of the last finished track per key: lines at or before it repeat what was counted.
    private var lastEnd: [TrackKey: Double] = [:]
    private var cameras: [String: CameraState] = [:]
    private var models: Set<String> = []
    private var firstTime = Double.infinity
    private var lastTime = -Double.infinity

    public init(settings: ReportSettings) {
        self.settings = settings
        // The usual order first, so that colours and columns are stable whatever the logs hold.
        for label in ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"] { _ = index(of: label) }
    }

    /// Counts a line that is not an event.
    public mutating func badLine(file: String, line: Int, reason: String) {
        input.badLines += 1
        if input.badLineExamples.count < 20 { input.badLineExamples.append("\(file):\(line): \(reason)") }
    }

    mutating func countLine() { input.lines += 1 }
    mutating func countFile() { input.files += 1 }
    mutating func damaged(_ description: String) { input.damagedFiles.append(description) }

    /// Adds one event.
    public mutating func add(_ event: LoggedEvent) {
        guard settings.includes(source: event.source) else { return }
        switch event.type {
        case "source":
            if let model = event.model { models.insert(model) }
        case "track_start":
            guard let id = event.track else { return }
            let key = TrackKey(source: event.source, track: id)
            if let end = lastEnd[key], event.time <= end { input.duplicates += 1; return }
            if let existing = open[key] {
                if existing.start == event.time { input.duplicates += 1; return }
                // The same id again without an end: an earlier run stopped without closing it.
                input.unfinishedTracks += 1
                close(existing, key: key, end: existing.lastTime, fallbackShare: nil)
            }
            open[key] = OpenTrack(start: event.time, lastTime: event.time)
        case "emotion":
            guard let id = event.track, let label = event.emotion else { return }
            let key = TrackKey(source: event.source, track: id)
            if let end = lastEnd[key], event.time <= end { input.duplicates += 1; return }
            let labelAt = index(of: label)
            var track = open[key] ?? OpenTrack(start: event.time, lastTime: event.time)
            if let last = track.changes.last, last.0 == event.time, last.1 == labelAt {
                input.duplicates += 1
                return
            }
            track.changes.append((event.time, labelAt))
            track.lastTime = max(track.lastTime, event.time)
            open[key] = track
        case "track_end":
            guard let id = event.track else { return }
            let key = TrackKey(source: event.source, track: id)
            // Where the face was last and first seen, in wall time.
            var end = event.time
            if let t = event.t, let last = event.lastSeen { end -= max(0, t - last) }
            var start = end - max(0, event.dwellSeconds ?? 0)
            if let first = event.firstSeen, let last = event.lastSeen { start = end - max(0, last - first) }
            if let previous = lastEnd[key], end <= previous { input.duplicates += 1; return }
            var track = open.removeValue(forKey: key) ?? OpenTrack(start: start, lastTime: end)
            track.start = min(track.start, start)
            close(track, key: key, end: max(end, track.lastTime), fallbackShare: event.emotionShare)
        default:
            return
        }
    }

    /// Closes the tracks still open (their end was not logged) and returns the report.
    public mutating func finish() -> EmotionReport {
        for (key, track) in open.sorted(by: { $0.value.start < $1.value.start }) {
            input.unfinishedTracks += 1
            close(track, key: key, end: track.lastTime, fallbackShare: nil)
        }
        open.removeAll()
        var reports: [CameraReport] = []
        var overall = CameraState()
        var allDwells: [Float] = []
        for (source, state) in cameras.sorted(by: { $0.key < $1.key }) where state.tracks > 0 {
            reports.append(CameraReport(source: source, tracks: state.tracks, medianDwell: Self.median(state.dwells),
                                        total: state.total, buckets: state.buckets, hours: state.hours))
            overall.tracks += state.tracks
            overall.total.merge(state.total)
            for (b, v) in state.buckets { overall.buckets[b, default: FaceTime()].merge(v) }
            for (h, v) in state.hours { overall.hours[h, default: FaceTime()].merge(v) }
            allDwells += state.dwells
        }
        // Display order: emotions in the usual order, others, then uncertain last; pad every tally.
        var order = Array(labels.indices.filter { labels[$0] != "uncertain" })
        if let u = labelIndex["uncertain"] { order.append(u) }
        // Drop labels never seen beyond the usual seven.
        order = order.filter { $0 < 7 || overall.total.seconds(of: $0) > 0 }
        func remap(_ f: FaceTime) -> FaceTime { FaceTime(seconds: order.map { f.seconds(of: $0) }, faces: f.faces) }
        func remap(_ c: CameraReport) -> CameraReport {
            var c = c
            c.total = remap(c.total)
            c.buckets = c.buckets.mapValues(remap)
            c.hours = c.hours.mapValues(remap)
            return c
        }
        let overallReport = remap(CameraReport(
            source: "all cameras", tracks: overall.tracks, medianDwell: Self.median(allDwells),
            total: overall.total, buckets: overall.buckets, hours: overall.hours))
        var report = EmotionReport(
            settings: settings, labels: order.map { labels[$0] }, cameras: reports.map(remap), overall: overallReport,
            firstTime: firstTime.isFinite ? firstTime : nil, lastTime: lastTime.isFinite ? lastTime : nil,
            moments: [], models: models.sorted(), input: input)
        report.moments = Self.moments(report)
        return report
    }

    // MARK: - Tracks to face time

    private mutating func index(of label: String) -> Int {
        if let i = labelIndex[label] { return i }
        labels.append(label)
        labelIndex[label] = labels.count - 1
        return labels.count - 1
    }

    private mutating func close(_ track: OpenTrack, key: TrackKey, end rawEnd: Double, fallbackShare: [String: Double]?) {
        lastEnd[key] = max(lastEnd[key] ?? -.infinity, rawEnd)
        let lower = settings.since ?? -Double.infinity
        let upper = settings.until ?? Double.infinity
        let start = max(track.start, lower)
        let end = min(max(rawEnd, track.start), upper)
        // A face seen for an instant still counts at that instant.
        guard start < end || (start == end && start >= lower && start < upper) else { return }

        // Labelled stretches: (from, to, label index, weight).
        var pieces: [(Double, Double, Int, Double)] = []
        let changes = track.changes.sorted { $0.0 < $1.0 }
        if !changes.isEmpty {
            for (i, change) in changes.enumerated() {
                let from = max(change.0, start)
                let to = min(i + 1 < changes.count ? changes[i + 1].0 : end, end)
                if to > from { pieces.append((from, to, change.1, 1)) }
            }
        } else if let share = fallbackShare {
            for (label, fraction) in share.sorted(by: { $0.key < $1.key }) where fraction > 0 {
                pieces.append((start, end, index(of: label), fraction))
            }
        }

        var camera = cameras[key.source] ?? CameraState()
        camera.tracks += 1
        camera.dwells.append(Float(max(0, rawEnd - track.start)))
        let size = Double(settings.bucketSeconds)
        for b in Self.slots(start, end, size) { camera.buckets[b, default: FaceTime()].faces += 1 }
        for h in Self.slots(start, end, 3600) { camera.hours[h, default: FaceTime()].faces += 1 }
        for (from, to, label, weight) in pieces {
            camera.total.add((to - from) * weight, to: label)
            Self.spread(from, to, size) { b, seconds in camera.buckets[b, default: FaceTime()].add(seconds * weight, to: label) }
            Self.spread(from, to, 3600) { h, seconds in camera.hours[h, default: FaceTime()].add(seconds * weight, to: label) }
        }
        cameras[key.source] = camera
        firstTime = min(firstTime, start)
        lastTime = max(lastTime, end)
    }

    /// Slot indices (of length `size`) that [from, to] touches; an instant touches one.
    static func slots(_ from: Double, _ to: Double, _ size: Double) -> ClosedRange<Int> {
        let first = Int((from / size).rounded(.down))
        let last = to > from ? Int(((to - 1e-9) / size).rounded(.down)) : first
        return first...max(first, last)
    }

    /// Calls `body(slot, seconds)` for each slot's part of [from, to).
    static func spread(_ from: Double, _ to: Double, _ size: Double, _ body: (Int, Double) -> Void) {
        var a = from
        while a < to {
            let slot = Int((a / size).rounded(.down))
            let b = min(to, Double(slot + 1) * size)
            if b > a { body(slot, b - a) }
            a = b > a ? b : (a + size).nextUp
        }
    }

    static func median(_ values: [Float]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[mid]) : Double(sorted[mid - 1] + sorted[mid]) / 2
    }

    /// The five largest rises of one emotion's share between neighbouring buckets with faces, one per bucket.
    /// Buckets with little face time (under a quarter of the median bucket's, or 10 s) are left out: a
    /// single face's change of mind is not a moment.
    static func moments(_ report: EmotionReport) -> [Moment] {
        let buckets = report.overall.buckets.filter { $0.value.total > 0 }.sorted { $0.key < $1.key }
        guard buckets.count >= 2 else { return [] }
        let totals = buckets.map { $0.value.total }.sorted()
        let floor = max(10, totals[totals.count / 2] / 4)
        let kept = buckets.filter { $0.value.total >= floor }
        var rises: [Moment] = []
        let size = Double(report.settings.bucketSeconds)
        for (previous, current) in zip(kept, kept.dropFirst()) {
            var best: Moment?
            for i in report.emotionIndices {
                let before = previous.value.share(of: i), after = current.value.share(of: i)
                if after - before > (best.map { $0.after - $0.before } ?? 0.1) {
                    best = Moment(start: Double(current.key) * size, label: report.labels[i],
                                  before: before, after: after, faceSeconds: current.value.total)
                }
            }
            if let best { rises.append(best) }
        }
        return Array(rises.sorted { ($0.after - $0.before, -$0.start) > ($1.after - $1.before, -$1.start) }.prefix(5))
    }
}
