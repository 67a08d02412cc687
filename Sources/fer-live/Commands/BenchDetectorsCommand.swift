import ArgumentParser
import Capture
import Detection
import FaceAnalysis
import Foundation
import Imaging
import Pipeline
import Tracking

/// `fer-live bench detectors`: YuNet, MTCNN and Haar side by side on photos and a clip.
struct BenchDetectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detectors",
        abstract: "Compare the face detectors: faces found, time per frame, and agreement with each other.",
        discussion: """
            For each detector, on every photo of --photos: faces found and milliseconds per photo at the photo's own \
            size, and milliseconds per frame with the photos resized to 640x480; on the frames of --clip, detected at \
            --clip-width as the live pipeline does: faces found and milliseconds per frame. Agreement: the share of one \
            detector's faces that another finds too (one-to-one matches at IoU >= 0.5), over photos and clip frames. \
            One thread; prints a Markdown table (or JSON).
            """)

    @Option(help: "Folder of photos (default: ../shared/media/photos beside the repository, else Tests/Fixtures).")
    var photos: String?

    @Option(help: "MJPEG/Y4M clip (default: .build/bench/pedestrians_1080p.mjpeg from Tests/Benchmarks/make_clips.sh, else the demo clip).")
    var clip: String?

    @Option(help: "Width the clip's frames are detected at (the live pipeline's choice for 1080p is 640).")
    var clipWidth: Int = 640

    @Option(help: "Detectors to compare, comma-separated.")
    var detectors: String = DetectorKind.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Timed runs per 640x480 photo (the median is reported).")
    var runs: Int = 3

    @Flag(help: "Print JSON instead of the Markdown table.")
    var json = false

    @OptionGroup(title: "Models") var recognition: RecognitionOptions

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard (32...4096).contains(clipWidth) else { throw ValidationError("--clip-width must be in 32...4096") }
        for name in detectorNames where DetectorKind(rawValue: name) == nil {
            throw ValidationError("--detectors: unknown detector '\(name)' (choose from \(DetectorKind.allValueStrings.joined(separator: ", ")))")
        }
    }

    private var detectorNames: [String] { detectors.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }

    /// One detector's results.
    struct Row: Encodable {
        var detector: String
        var photo_faces = 0
        var photo_ms_own_size = 0.0
        var photo_ms_640x480 = 0.0
        var clip_faces = 0
        var clip_ms = 0.0
    }

    /// How many of `reference`'s faces `other` also finds.
    struct Agreement: Encodable {
        var reference: String
        var other: String
        var matched: Int
        var of: Int
        var mean_iou: Double
    }

    struct Report: Encodable {
        var photos: String
        var photo_count: Int
        var clip: String
        var clip_frames: Int
        var clip_width: Int
        var rows: [Row]
        var agreement: [Agreement]
    }

    func run() throws {
        let locator = try recognition.locator()
        let photoFolder = try resolvePhotos(locator)
        let clipPath = resolveClip(locator)
        let kinds = detectorNames.compactMap(DetectorKind.init(rawValue:))
        let images = try FileManager.default.contentsOfDirectory(atPath: photoFolder)
            .filter { [".jpg", ".jpeg", ".png"].contains(where: $0.lowercased().hasSuffix) }.sorted()
            .map { try ImageCodec.decode(fileAt: photoFolder + "/" + $0, as: .rgb8) }
        guard !images.isEmpty else {
            Diagnostics.error("\(photoFolder): no JPEG or PNG photos")
            throw ExitCode(1)
        }
        let small = images.map { $0.resized(width: 640, height: 480) }
        Diagnostics.note("bench detectors: \(images.count) photos from \(photoFolder), clip \(clipPath)")
        var frameCount = 0

        var rows: [Row] = []
        // Per detector: faces of every photo (own size) then of every clip frame, for the agreement.
        var found: [[[DetectedFace]]] = []
        for kind in kinds {
            let detector = try recognition.makeDetector(locator, scalesInput: false, kind: kind)
            var row = Row(detector: kind.rawValue)
            var faces: [[DetectedFace]] = []
            var ownSize: [Double] = [], reduced: [Double] = [], clipTimes: [Double] = []
            _ = try detector.detect(in: small[0])  // warm-up (sessions, buffers)
            for image in images {
                let start = Stopwatch.now()
                let result = try detector.detect(in: image)
                ownSize.append(Stopwatch.now() - start)
                faces.append(result)
                row.photo_faces += result.count
            }
            for image in small {
                reduced.append(try Stopwatch.measure(runs: runs, warmup: 0) { _ = try detector.detect(in: image) }.median)
            }
            // Frames are decoded again for each detector (a 1080p clip held decoded would take ~3 MB a frame).
            frameCount = try forEachFrame(of: clipPath) { frame in
                let start = Stopwatch.now()
                let result = try detector.detect(in: frame, width: clipWidth, minimumFaceSize: 0)
                clipTimes.append(Stopwatch.now() - start)
                faces.append(result)
                row.clip_faces += result.count
            }
            row.photo_ms_own_size = Stopwatch.Samples(ownSize).median
            row.photo_ms_640x480 = Stopwatch.Samples(reduced).median
            row.clip_ms = Stopwatch.Samples(clipTimes).median
            rows.append(row)
            found.append(faces)
            Diagnostics.note("bench detectors: \(kind.rawValue) done")
        }
        var agreement: [Agreement] = []
        for (a, ka) in kinds.enumerated() {
            for (b, kb) in kinds.enumerated() where a != b {
                var matched = 0, total = 0, iouSum = 0.0
                for (fa, fb) in zip(found[a], found[b]) {
                    let pairs = BoxAssociation.match(fa.map(\.box), fb.map(\.box), minIoU: 0.5)
                    matched += pairs.count
                    iouSum += pairs.reduce(0) { $0 + Double($1.iou) }
                    total += fa.count
                }
                agreement.append(Agreement(reference: ka.rawValue, other: kb.rawValue, matched: matched, of: total,
                                           mean_iou: matched > 0 ? iouSum / Double(matched) : 0))
            }
        }
        let report = Report(photos: photoFolder, photo_count: images.count, clip: clipPath, clip_frames: frameCount,
                            clip_width: clipWidth, rows: rows, agreement: agreement)
        if json { try JSONOutput.print(report) } else { print(Self.markdown(report, kinds: kinds)) }
    }

    static func markdown(_ r: Report, kinds: [DetectorKind]) -> String {
        var lines = [
            "| detector | faces in \(r.photo_count) photos | ms per photo, own size (median) | ms per photo at 640x480 (median) "
                + "| faces in \(r.clip_frames) clip frames | ms per clip frame at \(r.clip_width) px wide (median) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for row in r.rows {
            lines.append(String(format: "| %@ | %d | %.1f | %.1f | %d | %.1f |", row.detector as NSString, row.photo_faces,
                                row.photo_ms_own_size, row.photo_ms_640x480, row.clip_faces, row.clip_ms))
        }
        lines.append("")
        lines.append("| faces of ↓ also found by → | " + kinds.map(\.rawValue).joined(separator: " | ") + " |")
        lines.append("|---|" + kinds.map { _ in "---:|" }.joined())
        for ka in kinds {
            var cells: [String] = []
            for kb in kinds {
                if ka == kb { cells.append("—"); continue }
                guard let a = r.agreement.first(where: { $0.reference == ka.rawValue && $0.other == kb.rawValue }) else {
                    cells.append(""); continue
                }
                cells.append(a.of == 0 ? "–" : String(format: "%.0f %% (%d/%d, IoU %.2f)", 100 * Double(a.matched) / Double(a.of),
                                                      a.matched, a.of, a.mean_iou))
            }
            lines.append("| \(ka.rawValue) | " + cells.joined(separator: " | ") + " |")
        }
        lines.append("")
        lines.append("Photos: \(r.photos) (\(r.photo_count)); clip: \(r.clip) (\(r.clip_frames) frames). One thread; "
                     + "matches are one-to-one at IoU >= 0.5, over photos (own size) and clip frames together.")
        return lines.joined(separator: "\n")
    }

    private func resolvePhotos(_ locator: ModelLocator) throws -> String {
        photos ?? SharedData.photosOrFixtures(locator: locator)
    }

    private func resolveClip(_ locator: ModelLocator) -> String {
        if let clip { return clip }
        let repository = locator.directory.deletingLastPathComponent()
        let made = repository.appendingPathComponent(".build/bench/pedestrians_1080p.mjpeg").path
        if FileManager.default.fileExists(atPath: made) { return made }
        return locator.directory.appendingPathComponent("demo/pedestrians.mjpeg").path
    }

    /// Decodes the clip's frames one by one into `body`; returns how many there were.
    private func forEachFrame(of path: String, _ body: (YUVImage) throws -> Void) throws -> Int {
        let source = try FileSourceOpener.open(path, frameRate: 25)
        let decoder = try FrameDecoder(sourceName: source.name)
        var count = 0
        while let captured = try source.next() {
            try body(try decoder.decode(captured))
            count += 1
        }
        guard count > 0 else {
            Diagnostics.error("\(path): no frame could be read")
            throw ExitCode(1)
        }
        return count
    }
}
