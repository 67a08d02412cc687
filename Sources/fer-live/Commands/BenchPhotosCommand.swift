import ArgumentParser
import Detection
import Evaluation
import FaceAnalysis
import Foundation
import Imaging

/// `fer-live bench photos`: YuNet's recall and false faces on hand-checked photos, per detector width and threshold.
struct BenchPhotosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "photos",
        abstract: "Faces found and false faces on photos with hand-checked faces, per detector width and score threshold.",
        discussion: """
            Runs YuNet on every photo of --truth found in --photos, at each of --widths (the photo scaled to that width; \
            "photo" = the photo default of `fer-live image`: its own width, scaled down to 1920 if wider), keeps the faces scoring at least each of --thresholds, and matches them one-to-one \
            to the hand-checked faces (IoU >= 0.4, best pairs first). Reports faces found (all, and those at least 32 \
            pixels tall), false faces (detections matching no face; a second box on a face counts too; detections in \
            the truth's ignore regions count neither way) and the median time per photo. One thread. This is how the \
            photo default of --detector-width and --score-threshold was chosen (README, "Detectors").
            """)

    @Option(help: "Hand-checked faces (default: Tests/Benchmarks/photo_faces.json in the repository).")
    var truth: String?

    @Option(help: "Folder of the photos the truth names (default: ../shared/media/photos beside the repository).")
    var photos: String?

    @Option(help: "Detector input widths, comma-separated; 'photo' = the photo default (each photo's own width, at most 1920).")
    var widths: String = "320,640,960,1280,photo"

    @Option(help: "Score thresholds, comma-separated, each in 0...1.")
    var thresholds: String = "0.5,0.6,0.7,0.8,0.9"

    @Flag(help: "Print JSON instead of the Markdown table.")
    var json = false

    @Option(help: "Folder of the models (default: found beside the binary or in the build tree).")
    var models: String?

    /// A parsed `--widths` entry: a pixel width, or nil for the photo's own size.
    private var widthValues: [Int?] {
        get throws {
            try widths.split(separator: ",").map { raw in
                let text = raw.trimmingCharacters(in: .whitespaces)
                if text == "photo" { return nil }
                guard let value = Int(text), (32...4096).contains(value) else {
                    throw ValidationError("--widths: '\(text)' is neither 'photo' nor a width in 32...4096")
                }
                return value
            }
        }
    }

    private var thresholdValues: [Float] {
        get throws {
            try thresholds.split(separator: ",").map { raw in
                let text = raw.trimmingCharacters(in: .whitespaces)
                guard let value = Float(text), (0...1).contains(value) else {
                    throw ValidationError("--thresholds: '\(text)' is not a number in 0...1")
                }
                return value
            }
        }
    }

    func validate() throws {
        guard try !widthValues.isEmpty else { throw ValidationError("--widths: give at least one width") }
        guard try !thresholdValues.isEmpty else { throw ValidationError("--thresholds: give at least one threshold") }
    }

    /// One width and threshold over all photos.
    struct Row: Encodable {
        var width: String
        var threshold: Float
        var faces: Int
        var found: Int
        var faces_32px: Int
        var found_32px: Int
        var false_faces: Int
        var photos_with_false_faces: Int
        var ignored: Int
        var ms_per_photo_median: Double
    }

    struct Report: Encodable {
        var truth: String
        var photos: String
        var photo_count: Int
        var rows: [Row]
    }

    func run() throws {
        let locator = try ModelLocator(explicit: models)
        let repository = locator.directory.deletingLastPathComponent()
        let truthPath = truth ?? repository.appendingPathComponent("Tests/Benchmarks/photo_faces.json").path
        let truth = try Self.reporting { try PhotoFaceTruth.load(truthPath) }
        let folder = try photos ?? SharedData.path("media/photos", locator: locator)
        let names = truth.photos.keys.sorted().filter { FileManager.default.fileExists(atPath: folder + "/" + $0) }
        guard !names.isEmpty else {
            Diagnostics.error("\(folder): none of the \(truth.photos.count) photos of \(truthPath) is there")
            throw ExitCode(1)
        }
        if names.count < truth.photos.count {
            Diagnostics.note("bench photos: \(truth.photos.count - names.count) photos of the truth are not in \(folder); scored \(names.count)")
        }
        var images: [Image] = []
        for name in names {
            let image = try Self.reporting { try ImageCodec.decode(fileAt: folder + "/" + name, as: .rgb8) }
            let expected = truth.photos[name]!
            guard image.width == expected.width, image.height == expected.height else {
                Diagnostics.error("\(folder)/\(name): \(image.width)x\(image.height), but the truth was made on \(expected.width)x\(expected.height)")
                throw ExitCode(1)
            }
            images.append(image)
        }
        let thresholds = try thresholdValues.sorted()
        var rows: [Row] = []
        for width in try widthValues {
            // As `fer-live image` runs photos, at the given width instead where there is one.
            var options = RecognitionOptions.photoYuNetOptions
            options.scoreThreshold = thresholds[0]
            if let width {
                options.inputWidth = width
                options.upscales = true
            }
            let detector = try YuNetDetector(modelURL: locator.detector, options: options)
            var detections: [[DetectedFace]] = [], times: [Double] = []
            for image in images {
                _ = try detector.detect(in: image)  // warm-up: the session for this size is planned on first use
                let start = Stopwatch.now()
                detections.append(try detector.detect(in: image))
                times.append(Stopwatch.now() - start)
            }
            for threshold in thresholds {
                var total = PhotoDetectionScore(), withFalse = 0
                for (name, faces) in zip(names, detections) {
                    let score = PhotoDetectionScore(detections: faces.filter { $0.score >= threshold }.map(\.box),
                                                    truth: truth.photos[name]!)
                    if score.falseFaces > 0 { withFalse += 1 }
                    total = total + score
                }
                rows.append(Row(width: width.map(String.init) ?? "photo", threshold: threshold, faces: total.faces,
                                found: total.found, faces_32px: total.largeFaces, found_32px: total.largeFound,
                                false_faces: total.falseFaces, photos_with_false_faces: withFalse, ignored: total.ignored,
                                ms_per_photo_median: Stopwatch.Samples(times).median))
            }
            Diagnostics.note("bench photos: width \(width.map(String.init) ?? "photo") done")
        }
        let report = Report(truth: truthPath, photos: folder, photo_count: names.count, rows: rows)
        if json { try JSONOutput.print(report) } else { print(Self.markdown(report)) }
    }

    /// `body`'s value; its error printed as one line and turned into exit status 1.
    private static func reporting<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            Diagnostics.error("\(error)")
            throw ExitCode(1)
        }
    }

    static func markdown(_ r: Report) -> String {
        var lines = [
            "| width | threshold | faces found | faces ≥ 32 px found | false faces | photos with a false face | ms per photo (median) |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        func share(_ a: Int, _ b: Int) -> String {
            b == 0 ? "–" : String(format: "%.1f %% (%d/%d)", 100 * Double(a) / Double(b), a, b)
        }
        for row in r.rows {
            lines.append("| \(row.width) | \(String(format: "%.2f", row.threshold)) | \(share(row.found, row.faces)) | "
                         + "\(share(row.found_32px, row.faces_32px)) | \(row.false_faces) | "
                         + "\(row.photos_with_false_faces)/\(r.photo_count) | \(String(format: "%.1f", row.ms_per_photo_median)) |")
        }
        lines.append("")
        lines.append("Truth: \(r.truth); photos: \(r.photos) (\(r.photo_count)). YuNet, one thread; matches one-to-one at IoU >= 0.4.")
        return lines.joined(separator: "\n")
    }
}
