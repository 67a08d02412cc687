import Detection
import Foundation
import Imaging
import TestSupport
import XCTest

/// fer-live's Haar detector against OpenCV 4.12's `CascadeClassifier.detectMultiScale2` on the committed
/// fixtures (`Tests/Fixtures/haar_reference.json`, written by `Models/tools/check_haar.py reference`).
final class HaarReferenceTests: XCTestCase {
    struct Reference: Decodable {
        struct Face: Decodable { var box: [Int]; var neighbors: Int }
        struct Entry: Decodable { var width: Int; var height: Int; var faces: [Face] }
        var opencv: String
        var images: [String: Entry]
    }

    private func reference() throws -> Reference {
        let url = TestPaths.fixtures.appendingPathComponent("haar_reference.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    /// Same faces (IoU ≥ 0.5 one-to-one), every box edge within 3 px, neighbour counts within 20 %.
    /// (On this machine they are identical: same windows, same counts.)
    func testSameFacesAsOpenCVWithinThreePixels() throws {
        let detector = try HaarDetector(cascadeURL: HaarDetectorTests.cascadeURL)
        let reference = try reference()
        XCTAssertEqual(reference.images.count, 4)
        for (name, entry) in reference.images.sorted(by: { $0.key < $1.key }) {
            let image = try ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent(name).path, as: .rgb8)
            XCTAssertEqual([image.width, image.height], [entry.width, entry.height])
            let ours = try detector.detect(in: image)
            XCTAssertEqual(ours.count, entry.faces.count, "\(name): \(ours.map(\.box)) vs OpenCV \(entry.faces.map(\.box))")
            var unmatched = ours
            for face in entry.faces {
                let expected = Rect(x: Float(face.box[0]), y: Float(face.box[1]), width: Float(face.box[2]), height: Float(face.box[3]))
                guard let k = unmatched.indices.max(by: { unmatched[$0].box.iou(expected) < unmatched[$1].box.iou(expected) }),
                      unmatched[k].box.iou(expected) >= 0.5 else {
                    XCTFail("\(name): OpenCV's face \(face.box) not found; ours: \(ours.map(\.box))")
                    continue
                }
                let match = unmatched.remove(at: k)
                let box = match.box
                let neighbors = Int((10 * match.score / (1 - match.score)).rounded())
                XCTAssertEqual(Double(neighbors), Double(face.neighbors), accuracy: 0.2 * Double(face.neighbors),
                               "\(name): neighbour count of \(box)")
                let edges = [box.minX - expected.minX, box.minY - expected.minY, box.maxX - expected.maxX, box.maxY - expected.maxY]
                XCTAssertLessThanOrEqual(edges.map(abs).max()!, 3, "\(name): \(box) vs OpenCV \(face.box)")
            }
        }
    }

    /// Writes fer-live's detections on the photos in FER_LIVE_HAAR_PHOTOS (a folder) to FER_LIVE_HAAR_OUT, in
    /// check_haar.py's layout, for `check_haar.py compare` (FER_LIVE_HAAR_MIN_NEIGHBORS=0: raw windows).
    /// Skipped unless both are set.
    func testWriteDetectionsForCheck() throws {
        let env = ProcessInfo.processInfo.environment
        guard let folder = env["FER_LIVE_HAAR_PHOTOS"], let out = env["FER_LIVE_HAAR_OUT"] else {
            throw XCTSkip("skipped: set FER_LIVE_HAAR_PHOTOS and FER_LIVE_HAAR_OUT to write detections for check_haar.py")
        }
        var options = HaarDetector.Options()
        if let n = env["FER_LIVE_HAAR_MIN_NEIGHBORS"].flatMap(Int.init) { options.minNeighbors = n }
        let detector = try HaarDetector(cascadeURL: HaarDetectorTests.cascadeURL, options: options)
        var images: [String: Any] = [:]
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jpg") || $0.hasSuffix(".png") }
        for name in names.sorted() {
            let image = try ImageCodec.decode(fileAt: folder + "/" + name, as: .rgb8)
            let faces = try detector.detect(in: image).map { face -> [String: Any] in
                let n = Int((10 * face.score / (1 - face.score)).rounded())
                return ["box": [face.box.x, face.box.y, face.box.width, face.box.height].map { Int($0) }, "neighbors": n]
            }
            images[name] = ["width": image.width, "height": image.height, "faces": faces]
        }
        let data = try JSONSerialization.data(withJSONObject: ["opencv": "fer-live", "images": images], options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: out))
    }
}
