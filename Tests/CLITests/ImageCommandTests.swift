import Foundation
import Imaging
import TestSupport
import XCTest

/// `fer-live image`: faces, emotions, annotated output and every bad input.
final class ImageCommandTests: XCTestCase {
    private var dir: URL!
    override func setUpWithError() throws { dir = try TestPaths.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func fixture(_ name: String) -> String { TestPaths.fixtures.appendingPathComponent(name).path }

    struct Photo: Decodable {
        struct Face: Decodable {
            let box: Rect
            let emotion: String
            let confidence: Float
            let probabilities: [String: Float]
            let landmarks: [String: Point]?
        }
        let file: String
        let width: Int
        let height: Int
        let faces: [Face]
    }

    private func decode(_ stdout: String) throws -> [Photo] {
        try JSONDecoder().decode([Photo].self, from: Data(stdout.utf8))
    }

    func testFindsBothFacesInTwoPeopleAsTextAndJSON() throws {
        let text = try FerLiveBinary.run(["image", fixture("two_people.jpg")])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.hasPrefix("two_people.jpg: 2 faces (1126x661"), text.stdout)
        XCTAssertEqual(text.stdout.split(separator: "\n").filter { $0.contains("  #") }.count, 2)

        let json = try FerLiveBinary.run(["image", "--json", fixture("two_people.jpg")])
        XCTAssertEqual(json.status, 0, json.stderr)
        let photo = try XCTUnwrap(try decode(json.stdout).first)
        XCTAssertEqual(photo.faces.count, 2)
        for face in photo.faces {
            XCTAssertEqual(Set(face.probabilities.keys), ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"])
            XCTAssertEqual(face.probabilities.values.reduce(0, +), 1, accuracy: 1e-4)
            XCTAssertEqual(face.probabilities[face.emotion], face.confidence)
            XCTAssertEqual(face.landmarks?.count, 5)
        }
    }

    /// Photos are read as the live pipeline reads faces: each crop and its mirror image, averaged, unless `--tta none`.
    func testFlipAveragingIsTheDefault() throws {
        let probabilities = { (extra: [String]) throws -> [[String: Float]] in
            let result = try FerLiveBinary.run(["image", "--json", self.fixture("two_people.jpg")] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
            return try XCTUnwrap(try self.decode(result.stdout).first).faces.map(\.probabilities)
        }
        let standard = try probabilities([]), flip = try probabilities(["--tta", "flip"])
        let single = try probabilities(["--tta", "none"])
        XCTAssertEqual(standard.count, 2)
        XCTAssertEqual(standard, flip)
        let largest = zip(standard, single).flatMap { a, b in a.keys.map { abs(a[$0]! - b[$0]!) } }.max() ?? 0
        XCTAssertGreaterThan(largest, 1e-3, "one pass gives other probabilities than two")
    }

    func testAnnotatedOutputIsAJPEGWithBoxesDrawn() throws {
        let out = dir.appendingPathComponent("annotated.jpg").path
        let result = try FerLiveBinary.run(["image", fixture("kit_with_rose.jpg"), "--out", out])
        XCTAssertEqual(result.status, 0, result.stderr)
        let original = try ImageCodec.decode(fileAt: fixture("kit_with_rose.jpg"), as: .rgb8)
        let annotated = try ImageCodec.decode(fileAt: out, as: .rgb8)
        XCTAssertEqual(annotated.width, original.width)
        XCTAssertEqual(annotated.height, original.height)
        // The annotation changes pixels well beyond JPEG re-encoding noise.
        let changed = zip(original.pixels, annotated.pixels).filter { abs(Int($0) - Int($1)) > 60 }.count
        XCTAssertGreaterThan(changed, 1000)

        // Several photos and --out: a folder with one annotated JPEG per photo.
        let folder = dir.appendingPathComponent("many").path
        let many = try FerLiveBinary.run(["image", fixture("kit_with_rose.jpg"), fixture("kit_with_rose_small.png"),
                                          "--out", folder])
        XCTAssertEqual(many.status, 0, many.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(),
                       ["kit_with_rose.jpg", "kit_with_rose_small.jpg"])
    }

    func testCropsAreTheAlignedClassifierInput() throws {
        let folder = dir.appendingPathComponent("crops").path
        let result = try FerLiveBinary.run(["image", fixture("two_people.jpg"), "--crops", folder])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(),
                       ["two_people-1.jpg", "two_people-2.jpg"])
        for name in ["two_people-1.jpg", "two_people-2.jpg"] {
            let crop = try ImageCodec.decode(fileAt: folder + "/" + name, as: .gray8)
            XCTAssertEqual([crop.width, crop.height], [48, 48], "the default classifier's input")
            // Aligned as the template says: the eyes' band (rows 16-20) is darker than the cheeks below (25-30).
            let band = { (rows: ClosedRange<Int>) -> Double in
                var sum = 0
                for y in rows { for x in 10..<38 { sum += Int(crop.pixel(x: x, y: y).r) } }
                return Double(sum) / Double(rows.count * 28)
            }
            XCTAssertLessThan(band(16...20), band(25...30) - 5, name)
        }
    }

    func testEmotionSubsetIsRenormalised() throws {
        let result = try FerLiveBinary.run(["image", "--json", "--emotions", "happy,sad,surprise,neutral",
                                            fixture("two_people.jpg")])
        XCTAssertEqual(result.status, 0, result.stderr)
        for face in try decode(result.stdout)[0].faces {
            XCTAssertEqual(Set(face.probabilities.keys), ["happy", "sad", "surprise", "neutral"])
            XCTAssertEqual(face.probabilities.values.reduce(0, +), 1, accuracy: 1e-4)
        }
        let bad = try FerLiveBinary.run(["image", "--emotions", "happy,contempt", fixture("two_people.jpg")])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("contempt"), bad.stderr)
    }

    func testPhotosWithoutFacesTinyImagesAndPNG() throws {
        let blank = dir.appendingPathComponent("blank.jpg").path
        try JPEGEncoder.write(try Image(width: 320, height: 240, format: .rgb8, fill: 90), to: blank)
        let pixel = dir.appendingPathComponent("pixel.jpg").path
        try JPEGEncoder.write(try Image(width: 1, height: 1, format: .rgb8, fill: 10), to: pixel)
        let result = try FerLiveBinary.run(["image", blank, pixel, fixture("kit_with_rose_small.png")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("blank.jpg: 0 faces (320x240") && $0.hasSuffix("no face found") }, result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("pixel.jpg: 0 faces (1x1") }, result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("kit_with_rose_small.png: 2 faces") }, result.stdout)
    }

    func testBadFilesGiveOneLineErrorsAndTheRestStillRuns() throws {
        let corrupt = dir.appendingPathComponent("corrupt.jpg").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture("kit_with_rose.jpg")))
        try bytes.prefix(300).write(to: URL(fileURLWithPath: corrupt))
        let text = dir.appendingPathComponent("notes.jpg").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: text))
        let missing = dir.appendingPathComponent("missing.jpg").path
        let result = try FerLiveBinary.run(["image", corrupt, text, missing, fixture("kit_with_rose_small.png")])
        XCTAssertEqual(result.status, 1)
        let errors = result.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(errors.count, 3, result.stderr)
        XCTAssertTrue(errors[0].hasPrefix("fer-live: \(corrupt):"), errors[0])
        XCTAssertTrue(errors[1].hasPrefix("fer-live: \(text): not a JPEG or PNG"), errors[1])
        XCTAssertTrue(errors[2].hasPrefix("fer-live: \(missing):"), errors[2])
        XCTAssertTrue(result.stdout.contains("kit_with_rose_small.png: 2 faces"), "the good photo is still analysed")

        let unwritable = try FerLiveBinary.run(["image", fixture("kit_with_rose_small.png"), "--out", "/proc/nope/x.jpg"])
        XCTAssertEqual(unwritable.status, 1)
        XCTAssertTrue(unwritable.stderr.contains("/proc/nope/x.jpg"), unwritable.stderr)
    }

    func testAnyClassifierWithAManifest() throws {
        // A tiny RGB classifier: global average → 3x4 dense → softmax, with its manifest.
        var b = ModelBuilder()
        b.input("image", [1, 3, 32, 32])
        b.node("GlobalAveragePool", ["image"], ["pooled"])
        b.node("Flatten", ["pooled"], ["flat"])
        b.weight("w", [3, 4], [1, 0, 0, -1, 0, 1, 0, -1, 0, 0, 1, -1])
        b.node("MatMul", ["flat", "w"], ["logits"])
        b.output("logits")
        let model = dir.appendingPathComponent("tiny.onnx")
        try b.write(to: model)
        let manifest = """
        {"name": "tiny", "task": "emotion", "labels": ["happy", "sad", "surprise", "neutral"],
         "input": {"name": "image", "width": 32, "height": 32, "color": "rgb", "layout": "NCHW",
                   "scale": 255, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
         "output": {"name": "logits", "kind": "logits"}}
        """
        try Data(manifest.utf8).write(to: dir.appendingPathComponent("tiny.json"))
        let result = try FerLiveBinary.run(["image", "--json", "--classifier", model.path, fixture("two_people.jpg")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let faces = try decode(result.stdout)[0].faces
        XCTAssertEqual(faces.count, 2)
        XCTAssertEqual(Set(faces[0].probabilities.keys), ["happy", "sad", "surprise", "neutral"])

        try FileManager.default.removeItem(at: dir.appendingPathComponent("tiny.json"))
        let noManifest = try FerLiveBinary.run(["image", "--classifier", model.path, fixture("two_people.jpg")])
        XCTAssertNotEqual(noManifest.status, 0)
        XCTAssertTrue(noManifest.stderr.contains("no manifest beside"), noManifest.stderr)
    }

    func testMissingModelsFolderIsReported() throws {
        let result = try FerLiveBinary.run(["image", "--models", dir.path, fixture("two_people.jpg")])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("no models folder found"), result.stderr)
    }
}
