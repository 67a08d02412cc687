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
        var reports: [ImageReport] = []
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
                let report = ImageReport(file: photo, analysis: analysis)
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
