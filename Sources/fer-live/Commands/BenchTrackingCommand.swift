import ArgumentParser
import Capture
import Detection
import FaceAnalysis
import Foundation
import Imaging
import Pipeline
import Tracking

/// `fer-live bench tracking CLIP`: how well tracking between detections follows the faces of a clip.
struct BenchTrackingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracking",
        abstract: "Compare boxes tracked with --detect-every N against detecting every frame, on a clip.",
        discussion: """
            Mean IoU between each per-frame detection and the tracked box matched to it (0 when none), recall at \
            IoU 0.5, track IDs against the IDs when detecting every frame and the most faces in one frame, identity \
            switches, and the tracker's cost per face.
            """)

    @Argument(help: "A Y4M or MJPEG file, or a folder of images.")
    var clip: String

    @Option(help: "Detect every N frames in the evaluated run.")
    var detectEvery: Int = AnalyzerConfiguration().detectEvery

    @Option(help: "Frame rate of an MJPEG clip or image folder.")
    var fps: Double?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup(title: "Models") var recognition: RecognitionOptions

    func validate() throws {
        guard detectEvery >= 1 else { throw ValidationError("--detect-every must be at least 1, got \(detectEvery)") }
    }

    func run() throws {
        let detector = try recognition.makeDetector(try recognition.locator(), scalesInput: false)
        var width = recognition.detectorWidth ?? 0
        let source = try FileSourceOpener.open(clip, frameRate: fps)
        let decoder = try FrameDecoder(sourceName: source.name)
        // Decode each frame once, keep its luma for the two trackers and its detections.
        var frames: [(image: Image, time: Double)] = []
        var detections: [[DetectedFace]] = []
        var detectSeconds = 0.0
        while let captured = try source.next() {
            let time = captured.presentationTime
            let frame: YUVImage
            do { frame = try decoder.decode(captured) } catch {
                Diagnostics.error("\(error)")
                continue
            }
            let start = Date()
            width = recognition.detectorWidth ?? AnalyzerConfiguration.automaticDetectionWidth(frameWidth: frame.width)
            detections.append(try detector.detect(in: frame, width: width, minimumFaceSize: 8))
            detectSeconds += Date().timeIntervalSince(start)
            frames.append((frame.luma, time))
        }
        guard !frames.isEmpty else {
            Diagnostics.error("\(clip): no frame could be read")
            throw ExitCode(1)
        }
        let report = try TrackingEvaluation.run(frameCount: frames.count, detectEvery: detectEvery,
                                                frame: { frames[$0] }, detections: { detections[$0] })
        let detectMs = 1000 * detectSeconds / Double(frames.count)
        if json {
            try JSONOutput.print(BenchTrackingReport(
                clip: clip, frames: report.frames, detect_every: detectEvery, detector_width: width,
                mean_iou: report.meanIoU, mean_matched_iou: report.meanMatchedIoU, recall: report.recall,
                track_ids: report.trackIDs, reference_track_ids: report.referenceTrackIDs,
                max_faces_in_frame: report.maxFacesInFrame, id_switches: report.idSwitches,
                tracker_ms_per_face: report.millisecondsPerFace, detect_ms_per_frame: detectMs))
        } else {
            print("\(clip): \(report)")
            print(String(format: "detector at %d px wide: %.2f ms per frame", width, detectMs))
        }
    }
}

/// `bench tracking --json`.
struct BenchTrackingReport: Encodable {
    let clip: String
    let frames: Int
    let detect_every: Int
    let detector_width: Int
    let mean_iou: Double
    let mean_matched_iou: Double
    let recall: Double
    let track_ids: Int
    let reference_track_ids: Int
    let max_faces_in_frame: Int
    let id_switches: Int
    let tracker_ms_per_face: Double
    let detect_ms_per_frame: Double
}
