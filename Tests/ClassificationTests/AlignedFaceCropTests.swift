import Classification
import Evaluation
import Foundation
import Imaging
import TestSupport
import XCTest

/// The classifier's crop: faces put into frames by a known similarity come back framed as the template says.
final class AlignedFaceCropTests: XCTestCase {
    private func classifier() throws -> EmotionClassifier {
        try EmotionClassifier(modelURL: TestPaths.models.appendingPathComponent("emotion/fer_resnet24.onnx"))
    }

    /// A 48x48 grey "face": a detailed patch of a committed photo.
    private func face() throws -> Image {
        let photo = try ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent("two_people.jpg").path, as: .gray8)
        return try photo.faceCrop(box: Rect(x: Float(photo.width) * 0.3, y: Float(photo.height) * 0.2,
                                            width: Float(photo.height) * 0.3, height: Float(photo.height) * 0.3),
                                  outputWidth: 48, outputHeight: 48)
    }

    /// Where the template's landmarks land in the frame when `face` is drawn by `scene`.
    private func landmarks(_ framing: FaceFraming, _ scene: FaceScene) -> [Point] {
        let map = scene.faceToFrame(faceSide: 48)
        return framing.template.map { map.apply(to: Point(x: $0.x * 48, y: $0.y * 48)) }
    }

    private func meanDifference(_ a: Image, _ b: Image, inset: Int) -> Double {
        var total = 0, n = 0
        for y in inset..<(a.height - inset) {
            for x in inset..<(a.width - inset) {
                total += abs(Int(a.pixel(x: x, y: y).r) - Int(b.pixel(x: x, y: y).r)); n += 1
            }
        }
        return Double(total) / Double(n)
    }

    func testShippedClassifiersDeclareAUsableFraming() throws {
        for name in try TestPaths.shippedClassifiers() {
            let c = try EmotionClassifier(modelURL: TestPaths.models.appendingPathComponent("emotion/\(name).onnx"))
            let framing = try XCTUnwrap(c.manifest.framing, "\(name) has no framing")
            XCTAssertNil(framing.problem, name)
            XCTAssertLessThan(framing.template[0].x, framing.template[1].x, "\(name): left eye left of the right eye")
            XCTAssertLessThan(framing.template[0].y, framing.template[3].y, "\(name): eyes above the mouth")
        }
    }

    func testTurnedScaledFaceIsCroppedBackUpright() throws {
        let c = try classifier()
        let framing = try XCTUnwrap(c.manifest.framing)
        let original = try face()
        let background = try Image(width: 400, height: 300, format: .rgb8, fill: 90)
        for (side, angle) in [(Float(150), Float(0.25)), (Float(96), Float(-0.2)), (Float(220), Float(0))] {
            let scene = FaceScene(side: side, center: Point(x: 200, y: 150), angle: angle)
            let frame = try scene.render(face: original, on: background).converted(to: .gray8)
            let crop = try c.crop(frame, box: Rect(x: 0, y: 0, width: 10, height: 10), landmarks: landmarks(framing, scene))
            XCTAssertEqual(crop.width, 48)
            XCTAssertEqual(crop.format, .gray8)
            // The feathered edge differs; inside, the crop is the face again.
            XCTAssertLessThan(meanDifference(crop, original, inset: 6), 6, "side \(side) angle \(angle)")
            // A 5-pixel landmark error (e.g. a detector's) moves the crop measurably: the test can fail.
            let off = landmarks(framing, scene).map { Point(x: $0.x + side / 10, y: $0.y) }
            let shifted = try c.crop(frame, box: .init(x: 0, y: 0, width: 10, height: 10), landmarks: off)
            XCTAssertGreaterThan(meanDifference(shifted, original, inset: 6), 8, "side \(side) angle \(angle)")
        }
    }

    func testFacesAtTheBorderAndTinyFacesStillGiveFullCrops() throws {
        let c = try classifier()
        let framing = try XCTUnwrap(c.manifest.framing)
        let background = try Image(width: 320, height: 240, format: .rgb8, fill: 90)
        for scene in [FaceScene(side: 120, center: Point(x: 5, y: 8), angle: 0.1),
                      FaceScene(side: 120, center: Point(x: 318, y: 236), angle: -0.1),
                      FaceScene(side: 12, center: Point(x: 160, y: 120), angle: 0)] {
            let frame = try scene.render(face: try face(), on: background).converted(to: .gray8)
            let crop = try c.crop(frame, box: Rect(x: 0, y: 0, width: 1, height: 1), landmarks: landmarks(framing, scene))
            XCTAssertEqual([crop.width, crop.height], [48, 48])
            XCTAssertNoThrow(try c.classify(face: crop))
        }
    }

    func testWithoutLandmarksTheCropIsTheSquareAboutTheBox() throws {
        let c = try classifier()
        let frame = TestFrames.gradient(width: 200, height: 160)
        let box = Rect(x: 60, y: 40, width: 40, height: 50)
        let crop = try c.crop(frame, box: box, landmarks: nil)
        let square = try frame.faceCrop(box: Rect(x: 55, y: 40, width: 50, height: 50), outputWidth: 48, outputHeight: 48)
        XCTAssertEqual(crop, square)
        // Five landmarks that do not define a similarity (all at one point) fall back to the square too.
        let p = Point(x: 80, y: 60)
        XCTAssertEqual(try c.crop(frame, box: box, landmarks: [p, p, p, p, p]), square)
        XCTAssertThrowsError(try c.crop(frame, box: Rect(x: 0, y: 0, width: 0, height: 5), landmarks: nil))
    }

    func testAManifestWithoutFramingKeepsTheStretchedBoxCrop() throws {
        // A user's --classifier PATH model from before framing existed.
        let dir = try TestPaths.temporaryDirectory()
        let model = TestPaths.models.appendingPathComponent("emotion/fer_resnet24.onnx")
        try FileManager.default.copyItem(at: model, to: dir.appendingPathComponent("old.onnx"))
        var json = try JSONSerialization.jsonObject(
            with: Data(contentsOf: model.deletingPathExtension().appendingPathExtension("json"))) as! [String: Any]
        json.removeValue(forKey: "framing")
        json["face_margin"] = 0.1
        try JSONSerialization.data(withJSONObject: json).write(to: dir.appendingPathComponent("old.json"))
        let old = try EmotionClassifier(modelURL: dir.appendingPathComponent("old.onnx"))
        XCTAssertNil(old.manifest.framing)
        let frame = TestFrames.gradient(width: 200, height: 160)
        let box = Rect(x: 60, y: 40, width: 40, height: 50)
        XCTAssertEqual(try old.crop(frame, box: box),
                       try frame.faceCrop(box: box, margin: 0.1, outputWidth: 48, outputHeight: 48, format: .gray8))
    }

    func testAManifestContrastStretchIsAppliedBeforeTheNetwork() throws {
        // The same model with and without "contrast": a dim face through the stretching manifest gets what
        // the plain manifest gives the stretched face, and differs from the plain manifest on the dim face.
        let dir = try TestPaths.temporaryDirectory()
        let model = TestPaths.models.appendingPathComponent("emotion/fer_resnet24.onnx")
        try FileManager.default.copyItem(at: model, to: dir.appendingPathComponent("dim.onnx"))
        var json = try JSONSerialization.jsonObject(
            with: Data(contentsOf: model.deletingPathExtension().appendingPathExtension("json"))) as! [String: Any]
        var input = json["input"] as! [String: Any]
        input["contrast"] = ["method": "stretch", "low_percentile": 1, "high_percentile": 99]
        json["input"] = input
        try JSONSerialization.data(withJSONObject: json).write(to: dir.appendingPathComponent("dim.json"))
        let stretching = try EmotionClassifier(modelURL: dir.appendingPathComponent("dim.onnx"))
        let plain = try EmotionClassifier(modelURL: model)
        let face = try plain.crop(try ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent("two_people.jpg").path, as: .gray8),
                                  box: Rect(x: 234, y: 23, width: 154, height: 204))
        var dim = face
        dim.withUnsafeMutablePixels { p in for i in p.indices { p[i] = 30 + p[i] / 4 } }
        let stretched = try XCTUnwrap(stretching.manifest.input.contrast).apply(to: dim)
        XCTAssertEqual(try stretching.classify(face: dim).probabilities, try plain.classify(face: stretched).probabilities)
        XCTAssertNotEqual(try stretching.classify(face: dim).probabilities, try plain.classify(face: dim).probabilities)
    }
}

/// Small synthetic frames.
enum TestFrames {
    /// A grey diagonal gradient with a little texture.
    static func gradient(width: Int, height: Int) -> Image {
        let pixels = (0..<(width * height)).map { i -> UInt8 in
            let x = i % width, y = i / width
            return UInt8((x * 255 / width + y * 97 / height + (x * y) % 13) % 256)
        }
        return try! Image(width: width, height: height, format: .gray8, pixels: pixels)
    }
}
