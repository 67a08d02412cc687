import Detection
import Foundation
import Imaging
import TestSupport
import XCTest

/// fer-live's MTCNN against facenet-pytorch 2.6.0's `detect_face` (Tests/Fixtures/mtcnn_reference.json,
/// written by `Models/tools/check_mtcnn.py reference`), and the dump that script compares on ../shared's photos.
final class MTCNNReferenceTests: XCTestCase {
    /// The layout check_mtcnn.py reads and writes.
    struct Document: Codable {
        struct Face: Codable {
            var box: [Float]
            var score: Float
            var landmarks: [[Float]]
        }
        struct Entry: Codable {
            var width: Int
            var height: Int
            var faces: [Face]
        }
        var reference: String
        var images: [String: Entry]
    }

    static func faces(_ detected: [DetectedFace]) -> [Document.Face] {
        detected.map { face in
            Document.Face(box: [face.box.minX, face.box.minY, face.box.maxX, face.box.maxY], score: face.score,
                          landmarks: (face.landmarks?.points ?? []).map { [$0.x, $0.y] })
        }
    }

    func testBoxesLandmarksAndScoresMatchFacenetPytorchOnTheFixtures() throws {
        let url = TestPaths.fixtures.appendingPathComponent("mtcnn_reference.json")
        let reference = try JSONDecoder().decode(Document.self, from: Data(contentsOf: url))
        let detector = try MTCNNDetector(models: MTCNNDetectorTests.models)
        XCTAssertEqual(reference.images.count, 4)
        for (name, expected) in reference.images.sorted(by: { $0.key < $1.key }) {
            let image = try ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent(name).path, as: .rgb8)
            XCTAssertEqual([image.width, image.height], [expected.width, expected.height], name)
            var found = Self.faces(try detector.detect(in: image))
            XCTAssertEqual(found.count, expected.faces.count, name)
            for face in expected.faces {
                // The nearest face by top-left corner.
                guard let k = found.indices.min(by: {
                    abs(found[$0].box[0] - face.box[0]) + abs(found[$0].box[1] - face.box[1])
                        < abs(found[$1].box[0] - face.box[0]) + abs(found[$1].box[1] - face.box[1])
                }) else { XCTFail("\(name): no face for \(face.box)"); continue }
                let got = found.remove(at: k)
                let boxError = zip(got.box, face.box).map { abs($0 - $1) }.max()!
                let landmarkError = zip(got.landmarks.joined(), face.landmarks.joined()).map { abs($0 - $1) }.max()!
                XCTAssertLessThanOrEqual(boxError, 2, "\(name): box \(got.box) vs facenet-pytorch \(face.box)")
                XCTAssertLessThanOrEqual(landmarkError, 2, "\(name): landmarks \(got.landmarks) vs \(face.landmarks)")
                XCTAssertEqual(got.score, face.score, accuracy: 0.01, name)
            }
        }
    }

    /// Writes fer-live's detections on every image of a folder for `check_mtcnn.py compare`. Runs only with
    /// FER_LIVE_MTCNN_DUMP=OUT.json (and FER_LIVE_MTCNN_IMAGES=DIR, default ../shared/media/photos).
    func testWriteDetectionsForCheck() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let out = environment["FER_LIVE_MTCNN_DUMP"] else {
            throw XCTSkip("skipped: set FER_LIVE_MTCNN_DUMP=OUT.json to write detections for Models/tools/check_mtcnn.py")
        }
        guard let folder = environment["FER_LIVE_MTCNN_IMAGES"].map({ URL(fileURLWithPath: $0) })
            ?? TestPaths.shared("media/photos") else {
            throw XCTSkip(TestPaths.skipMessage("media/photos"))
        }
        let detector = try MTCNNDetector(models: MTCNNDetectorTests.models)
        var document = Document(reference: "fer-live MTCNNDetector", images: [:])
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { [".jpg", ".jpeg", ".png"].contains(where: $0.lowercased().hasSuffix) }.sorted()
        for name in names {
            let image = try ImageCodec.decode(fileAt: folder.appendingPathComponent(name).path, as: .rgb8)
            document.images[name] = .init(width: image.width, height: image.height,
                                          faces: Self.faces(try detector.detect(in: image)))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(document).write(to: URL(fileURLWithPath: out))
        print("wrote \(out): \(names.count) images, \(document.images.values.map(\.faces.count).reduce(0, +)) faces")
    }
}
