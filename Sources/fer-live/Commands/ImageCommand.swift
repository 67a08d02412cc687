import ArgumentParser
import FaceAnalysis
import Foundation
import Imaging

/// `fer-live image PHOTO...`: every face of each photo with its emotion.
struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Find the faces in photos (JPEG or PNG) and tell the emotion of each.")

    @Argument(help: "Photos to analyse.")
    var photos: [String]

    @Option(help: "Write an annotated JPEG: a file for one photo, a folder for several.")
    var out: String?

    @Flag(help: "Print JSON (all probabilities, landmarks, timings) instead of text.")
    var json = false

    @Option(help: "Write each face as the classifier sees it (its aligned input crop) into this folder, as PHOTO-N.jpg.")
    var crops: String?

    @OptionGroup var recognition: RecognitionOptions

    func validate() throws {
        if photos.isEmpty { throw ValidationError("give at least one photo") }
    }

    func run() throws {
        let analyzer = try recognition.makeAnalyzer()
        let annotator = out == nil ? nil : Annotator()
        if let annotator, !annotator.canDrawText {
            Diagnostics.error("no font found (install fonts-dejavu-core): boxes are drawn without labels")
        }
        var reports: [PhotoReport] = []
        var failures = 0
        for photo in photos {
            do {
                let image = try ImageCodec.decode(fileAt: photo, as: .rgb8)
                let analysis = try analyzer.analyze(image)
                if let annotator, let out {
                    let annotated = try annotator.annotate(image, faces: analysis.faces, numbered: true)
                    try JPEGEncoder.write(annotated, to: try outputPath(for: photo, out: out), quality: 90)
                }
                if let crops {
                    try FileManager.default.createDirectory(atPath: crops, withIntermediateDirectories: true)
                    let base = URL(fileURLWithPath: photo).deletingPathExtension().lastPathComponent
                    for (n, face) in analysis.faces.enumerated() {
                        let path = URL(fileURLWithPath: crops).appendingPathComponent("\(base)-\(n + 1).jpg").path
                        try JPEGEncoder.write(try analyzer.crop(image, face.detection), to: path, quality: 95)
                    }
                }
                let report = PhotoReport(file: photo, analysis: analysis)
                if json { reports.append(report) } else { print(report.text) }
            } catch {
                failures += 1
                Diagnostics.error("\(error)")
            }
        }
        if json { try JSONOutput.print(reports) }
        if failures > 0 { throw ExitCode(1) }
    }

    /// Where the annotated copy of `photo` goes.
    private func outputPath(for photo: String, out: String) throws -> String {
        if photos.count == 1 && !out.hasSuffix("/") { return out }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let base = URL(fileURLWithPath: photo).deletingPathExtension().lastPathComponent
        return URL(fileURLWithPath: out).appendingPathComponent("\(base).jpg").path
    }
}

/// What `fer-live image` reports for one photo.
struct PhotoReport: Encodable {
    struct Face: Encodable {
        let box: Rect
        let score: Float
        let emotion: String
        let confidence: Float
        let probabilities: [String: Float]
        let landmarks: [String: Point]?
    }

    let file: String
    let width: Int
    let height: Int
    let faces: [Face]
    let detect_ms: Double
    let classify_ms: Double

    init(file: String, analysis: ImageAnalysis) {
        self.file = file
        width = analysis.width
        height = analysis.height
        detect_ms = analysis.detectMilliseconds
        classify_ms = analysis.classifyMilliseconds
        faces = analysis.faces.map { face in
            let l = face.detection.landmarks
            return Face(
                box: face.detection.box, score: face.detection.score, emotion: face.emotion.label,
                confidence: face.emotion.confidence,
                probabilities: Dictionary(uniqueKeysWithValues: zip(face.emotion.labels, face.emotion.probabilities)),
                landmarks: l.map { ["left_eye": $0.leftEye, "right_eye": $0.rightEye, "nose": $0.nose,
                                    "mouth_left": $0.mouthLeft, "mouth_right": $0.mouthRight] })
        }
    }

    /// One header line, then one line per face.
    var text: String {
        let name = URL(fileURLWithPath: file).lastPathComponent
        var lines = [String(format: "%@: %d face%@ (%dx%d, detect %.1f ms, classify %.1f ms)",
                            name as NSString, faces.count, faces.count == 1 ? "" : "s", width, height,
                            detect_ms, classify_ms)]
        if faces.isEmpty { lines[0] += " — no face found" }
        for (i, f) in faces.enumerated() {
            lines.append(String(format: "  #%d  box x=%d y=%d w=%d h=%d  %@ %.0f%%  (face score %.2f)",
                                i + 1, Int(f.box.x.rounded()), Int(f.box.y.rounded()), Int(f.box.width.rounded()),
                                Int(f.box.height.rounded()), f.emotion as NSString, f.confidence * 100, f.score))
        }
        return lines.joined(separator: "\n")
    }
}
