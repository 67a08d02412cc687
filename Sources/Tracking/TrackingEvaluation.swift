import Detection
import Foundation
import Imaging

/// Measures how well tracking between sparse detections reproduces detecting on every frame.
///
/// The reference is the detector run on every frame. On each frame, the reference detections and the
/// tracked (confirmed) boxes are matched one-to-one, best IoU first (any overlap counts); a reference
/// detection with no tracked box scores IoU 0. `meanIoU` averages over all reference detections, so it
/// includes misses (e.g. a face not yet confirmed); `meanMatchedIoU` only over the matched ones, and
/// `recall` is the fraction matched with IoU ≥ 0.5. The number of people is estimated by the number
/// of ids a tracker gives when it is fed detections on every frame (`referenceTrackIDs`), next to the
/// most faces detected in one frame; identity stability by the id switches against that tracker.
public enum TrackingEvaluation {
    /// The measured numbers.
    public struct Report: Sendable, Equatable, CustomStringConvertible {
        /// Frames compared.
        public var frames = 0
        /// The detector ran on every `detectEvery`-th frame of the evaluated run.
        public var detectEvery = 1
        /// Reference detections over all frames.
        public var detections = 0
        /// Reference detections overlapped by a tracked box.
        public var matched = 0
        /// Mean IoU over all reference detections (0 for unmatched ones).
        public var meanIoU = 0.0
        /// Mean IoU over the matched reference detections.
        public var meanMatchedIoU = 0.0
        /// Fraction of reference detections matched with IoU ≥ 0.5.
        public var recall = 0.0
        /// Tracked boxes that overlapped no reference detection, over all frames.
        public var extraBoxes = 0
        /// Distinct track ids in the evaluated run.
        public var trackIDs = 0
        /// Distinct track ids when the same tracker gets detections on every frame: the people estimate.
        public var referenceTrackIDs = 0
        /// Identity switches: times a face followed by the every-frame tracker (matched at IoU ≥ 0.5) is
        /// covered by a different id of the evaluated tracker than the last time it was covered.
        public var idSwitches = 0
        /// The most reference detections in one frame.
        public var maxFacesInFrame = 0
        /// Seconds spent in the evaluated tracker's `update`/`track` calls.
        public var trackerSeconds = 0.0
        /// Σ over frames of the tracks alive before the call (each costs one visual search).
        public var trackedFaceFrames = 0

        public init() {}

        /// Milliseconds of tracker time per tracked face per frame (0 when nothing was tracked).
        public var millisecondsPerFace: Double {
            trackedFaceFrames > 0 ? trackerSeconds * 1000 / Double(trackedFaceFrames) : 0
        }

        public var description: String {
            String(format: "frames %d, detect every %d: mean IoU %.3f (matched %.3f), recall %.3f, "
                   + "%d/%d detections matched, %d extra boxes; track ids %d vs %d when detecting every frame "
                   + "(max %d faces in a frame), %d id switches; tracker %.3f ms per face per frame",
                   frames, detectEvery, meanIoU, meanMatchedIoU, recall, matched, detections, extraBoxes,
                   trackIDs, referenceTrackIDs, maxFacesInFrame, idSwitches, millisecondsPerFace)
        }
    }

    /// Compares tracked boxes with reference detections frame by frame (`reference[i]` and `tracked[i]`
    /// belong to frame i; extra frames in the longer list are ignored). Fills the IoU, recall and id fields.
    public static func compare(reference: [[Rect]], tracked: [[TrackedFace]]) -> Report {
        var report = Report()
        let frames = min(reference.count, tracked.count)
        report.frames = frames
        var iouSum = 0.0
        var good = 0
        var ids = Set<Int>()
        for i in 0..<frames {
            let boxes = tracked[i].map(\.box)
            ids.formUnion(tracked[i].map(\.id))
            let pairs = BoxAssociation.match(reference[i], boxes, minIoU: 0)
            report.detections += reference[i].count
            report.matched += pairs.count
            report.extraBoxes += boxes.count - pairs.count
            report.maxFacesInFrame = max(report.maxFacesInFrame, reference[i].count)
            for pair in pairs {
                iouSum += Double(pair.iou)
                if pair.iou >= 0.5 { good += 1 }
            }
        }
        report.meanIoU = report.detections > 0 ? iouSum / Double(report.detections) : 0
        report.meanMatchedIoU = report.matched > 0 ? iouSum / Double(report.matched) : 0
        report.recall = report.detections > 0 ? Double(good) / Double(report.detections) : 0
        report.trackIDs = ids.count
        return report
    }

    /// Counts identity switches of `tracked` against `reference` (both per-frame confirmed faces): each
    /// frame, the two are matched one-to-one at IoU ≥ 0.5; a switch is a reference id covered by a
    /// different tracked id than at its previous match.
    public static func identitySwitches(reference: [[TrackedFace]], tracked: [[TrackedFace]]) -> Int {
        var lastMatch: [Int: Int] = [:]
        var switches = 0
        for (expected, actual) in zip(reference, tracked) {
            for pair in BoxAssociation.match(expected.map(\.box), actual.map(\.box), minIoU: 0.5) {
                let id = expected[pair.row].id, other = actual[pair.column].id
                if let previous = lastMatch[id], previous != other { switches += 1 }
                lastMatch[id] = other
            }
        }
        return switches
    }

    /// Runs two trackers over `frameCount` frames — one given `detections(i)` on every frame, one only on
    /// every `detectEvery`-th frame (from frame 0) and tracking in between — and compares the second's
    /// confirmed boxes with the per-frame detections. `frame(i)` gives frame i (gray8) and its time in seconds.
    public static func run(frameCount: Int, detectEvery: Int, options: FaceTracker.Options = FaceTracker.Options(),
                           frame: (Int) throws -> (image: Image, time: Double),
                           detections: (Int) throws -> [DetectedFace]) throws -> Report {
        let every = max(1, detectEvery)
        let reference = try FaceTracker(options: options)
        let evaluated = try FaceTracker(options: options)
        var referenceBoxes: [[Rect]] = []
        var trackedFaces: [[TrackedFace]] = []
        var referenceFaces: [[TrackedFace]] = []
        var seconds = 0.0
        var faceFrames = 0
        for i in 0..<max(0, frameCount) {
            let (image, time) = try frame(i)
            let found = try detections(i)
            referenceBoxes.append(found.map(\.box))
            referenceFaces.append(reference.update(frame: image, time: time, detections: found).faces)
            faceFrames += evaluated.activeTrackCount
            let start = DispatchTime.now().uptimeNanoseconds
            let result = i % every == 0
                ? evaluated.update(frame: image, time: time, detections: found)
                : evaluated.track(frame: image, time: time)
            seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            trackedFaces.append(result.faces)
        }
        var report = compare(reference: referenceBoxes, tracked: trackedFaces)
        report.detectEvery = every
        report.referenceTrackIDs = Set(referenceFaces.joined().map(\.id)).count
        report.idSwitches = identitySwitches(reference: referenceFaces, tracked: trackedFaces)
        report.trackerSeconds = seconds
        report.trackedFaceFrames = faceFrames
        return report
    }
}
