import Detection
import Foundation
import Imaging
import TestSupport
import XCTest

/// MTCNN through fer-live's engine: the faces of real photos, nothing in blank or noise images, options, model errors.
final class MTCNNDetectorTests: XCTestCase {
    static let models = MTCNNModelFiles(directory: TestPaths.models.appendingPathComponent("detection"))

    private func fixture(_ name: String) throws -> Image {
        try ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent(name).path, as: .rgb8)
    }

    func testFindsBothFacesOfTwoPeopleWithLandmarks() throws {
        let detector = try MTCNNDetector(models: Self.models)
        XCTAssertEqual(detector.name, "mtcnn")
        let faces = try detector.detect(in: try fixture("two_people.jpg")).sorted { $0.box.x < $1.box.x }
        XCTAssertEqual(faces.count, 2)
        // Face centres checked by eye on the annotated photo (1126x661), as in YuNet's test.
        let expected = [Point(x: 311, y: 125), Point(x: 865, y: 150)]
        for (face, centre) in zip(faces, expected) {
            XCTAssertLessThan(face.box.center.distance(to: centre), 25, "\(face.box)")
            XCTAssertGreaterThan(face.box.width, 120)
            XCTAssertGreaterThan(face.score, 0.99)
            XCTAssertLessThanOrEqual(face.score, 1)
            let marks = try XCTUnwrap(face.landmarks)
            XCTAssertLessThan(marks.leftEye.x, marks.rightEye.x, "left eye is on the image's left")
            XCTAssertLessThan(marks.mouthLeft.x, marks.mouthRight.x)
            XCTAssertLessThan(marks.leftEye.y, marks.nose.y)
            XCTAssertLessThan(marks.nose.y, marks.mouthLeft.y)
            for p in marks.points {
                XCTAssertTrue(p.x >= face.box.minX && p.x <= face.box.maxX && p.y >= face.box.minY && p.y <= face.box.maxY,
                              "\(p) inside \(face.box)")
            }
        }
    }

    func testFacesBestFirst() throws {
        let faces = try MTCNNDetector(models: Self.models).detect(in: try fixture("obama_and_biden.jpg"))
        XCTAssertGreaterThanOrEqual(faces.count, 2)
        XCTAssertEqual(faces.map(\.score), faces.map(\.score).sorted(by: >))
    }

    func testFindsTheFacesInTheReportPhotosFromShared() throws {
        let detector = try MTCNNDetector(models: Self.models)
        // Faces facenet-pytorch's MTCNN finds in each (Models/tools/check_mtcnn.py; obama_and_biden also has
        // two small faces in the crowd besides the two men).
        let expected = ["two_people.jpg": 2, "obama_and_biden.jpg": 4, "kit_with_rose.jpg": 2, "johnsnow_test1.jpg": 1]
        for (name, count) in expected.sorted(by: { $0.key < $1.key }) {
            let relative = "media/photos/\(name)"
            guard let url = TestPaths.shared(relative) else { throw XCTSkip(TestPaths.skipMessage(relative)) }
            let faces = try detector.detect(in: try ImageCodec.decode(fileAt: url.path, as: .rgb8))
            XCTAssertEqual(faces.count, count, name)
            XCTAssertTrue(faces.allSatisfy { $0.score > 0.7 && $0.landmarks != nil }, name)
        }
    }

    func testNothingInBlankOrNoiseImages() throws {
        let detector = try MTCNNDetector(models: Self.models)
        XCTAssertEqual(try detector.detect(in: try Image(width: 640, height: 480, format: .rgb8, fill: 128)).count, 0)
        XCTAssertEqual(try detector.detect(in: try Image(width: 640, height: 480, format: .rgb8, fill: 0)).count, 0)
        XCTAssertEqual(try detector.detect(in: try Image(width: 640, height: 480, format: .rgb8, fill: 255)).count, 0)
        XCTAssertEqual(try detector.detect(in: try FacelessImages.noise()).count, 0)
        // Images smaller than the smallest face have no pyramid level at all.
        XCTAssertEqual(try detector.detect(in: try Image(width: 1, height: 1, format: .rgb8, fill: 200)).count, 0)
        XCTAssertEqual(try detector.detect(in: try Image(width: 19, height: 300, format: .rgb8, fill: 90)).count, 0)
    }

    func testGrayImagesAreSearchedAsRGB() throws {
        let detector = try MTCNNDetector(models: Self.models)
        let gray = try fixture("two_people.jpg").converted(to: .gray8)
        XCTAssertEqual(try detector.detect(in: gray).count, 2)
    }

    func testMinimumFaceSizeDropsSmallFaces() throws {
        var options = MTCNNDetector.Options()
        options.minFaceSize = 120
        let faces = try MTCNNDetector(models: Self.models, options: options).detect(in: try fixture("obama_and_biden.jpg"))
        // The two men's faces are ~170-190 px wide; the crowd's two are ~110-140 px and partly missed.
        XCTAssertGreaterThanOrEqual(faces.count, 2)
        XCTAssertTrue(faces.allSatisfy { $0.box.width > 100 }, "\(faces.map(\.box))")
    }

    func testRejectsOptionsThatCannotWork() {
        for change in [{ (o: inout MTCNNDetector.Options) in o.minFaceSize = 0 },
                       { $0.scaleFactor = 1 }, { $0.scaleFactor = 0 }, { $0.thresholds = [0.6, 0.7] },
                       { $0.thresholds = [0.6, 0.7, 1.5] }, { $0.nmsAfterOutput = .nan }] {
            var options = MTCNNDetector.Options()
            change(&options)
            XCTAssertThrowsError(try MTCNNDetector(models: Self.models, options: options)) { error in
                XCTAssertTrue("\(error)".hasPrefix("mtcnn: bad input: "), "\(error)")
            }
        }
    }

    // MARK: - Damaged model files

    /// A copy of the three shipped files in a temporary folder, with `damage` applied to them.
    private func damagedModels(_ damage: (MTCNNModelFiles) throws -> Void) throws -> MTCNNModelFiles {
        let dir = try TestPaths.temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let copy = MTCNNModelFiles(directory: dir)
        for (from, to) in [(Self.models.pnet, copy.pnet), (Self.models.rnet, copy.rnet), (Self.models.onet, copy.onet)] {
            try FileManager.default.copyItem(at: from, to: to)
        }
        try damage(copy)
        return copy
    }

    private func assertFails(_ models: MTCNNModelFiles, naming file: String, _ detail: String,
                             line: UInt = #line) {
        XCTAssertThrowsError(try MTCNNDetector(models: models), line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(file), "\(message) names \(file)", line: line)
            XCTAssertTrue(detail.isEmpty || message.contains(detail), "\(message) says \(detail)", line: line)
            XCTAssertFalse(message.contains("\n"), "one line: \(message)", line: line)
        }
    }

    func testTruncatedModelFilesFailNamingTheFile() throws {
        for keep in [0.5, 0.97] {
            let models = try damagedModels { files in
                let data = try Data(contentsOf: files.onet)
                try data.prefix(Int(Double(data.count) * keep)).write(to: files.onet)
            }
            assertFails(models, naming: "mtcnn_onet.onnx", "not an ONNX model")
        }
        let empty = try damagedModels { try Data().write(to: $0.rnet) }
        assertFails(empty, naming: "mtcnn_rnet.onnx", "the file is empty")
    }

    func testCorruptMissingAndWrongModelFilesFailNamingTheFile() throws {
        let garbage = try damagedModels { files in
            var data = try Data(contentsOf: files.pnet)
            for i in stride(from: 0, to: data.count, by: 7) { data[i] ^= 0x5A }
            try data.write(to: files.pnet)
        }
        assertFails(garbage, naming: "mtcnn_pnet.onnx", "not an ONNX model")
        let missing = try damagedModels { try FileManager.default.removeItem(at: $0.rnet) }
        assertFails(missing, naming: "mtcnn_rnet.onnx", "cannot read model")
        // A valid ONNX file that is another network: O-Net given as R-Net, YuNet given as P-Net.
        let swapped = try damagedModels { files in
            try FileManager.default.removeItem(at: files.rnet)
            try FileManager.default.copyItem(at: files.onet, to: files.rnet)
        }
        assertFails(swapped, naming: "mtcnn_rnet.onnx", "not an MTCNN R-Net")
        let yunet = try damagedModels { files in
            try FileManager.default.removeItem(at: files.pnet)
            try FileManager.default.copyItem(at: TestPaths.models.appendingPathComponent("detection/yunet_s.onnx"), to: files.pnet)
        }
        assertFails(yunet, naming: "mtcnn_pnet.onnx", "not an MTCNN P-Net")
    }
}
