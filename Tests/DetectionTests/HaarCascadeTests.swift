import Detection
import Foundation
import TestSupport
import XCTest

/// Loading OpenCV cascade XML: the shipped cascade, and clear one-line errors for broken files.
final class HaarCascadeTests: XCTestCase {
    private let shipped = TestPaths.models.appendingPathComponent("detection/haarcascade_frontalface_default.xml")

    private func shippedBytes() throws -> [UInt8] { [UInt8](try Data(contentsOf: shipped)) }

    /// Loads `bytes` and returns the error's message, failing the test when loading succeeds.
    private func loadError(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try HaarCascade(xml: bytes, file: "test.xml")
            XCTFail("loading succeeded", file: file, line: line)
            return ""
        } catch let error as HaarCascadeError {
            XCTAssertEqual(error.file, "test.xml", file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), "one line: \(error)", file: file, line: line)
            return error.description
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
            return ""
        }
    }

    private func edited(_ replace: String, with replacement: String) throws -> [UInt8] {
        let text = String(decoding: try shippedBytes(), as: UTF8.self)
        let range = try XCTUnwrap(text.range(of: replace), "'\(replace)' not in the cascade")
        return Array(text.replacingCharacters(in: range, with: replacement).utf8)
    }

    func testShippedCascadeHasOpenCVsStructure() throws {
        let cascade = try HaarCascade(contentsOf: shipped)
        XCTAssertEqual(cascade.windowWidth, 24)
        XCTAssertEqual(cascade.windowHeight, 24)
        XCTAssertEqual(cascade.stages.count, 25)
        XCTAssertEqual(cascade.features.count, 2913)
        XCTAssertEqual(cascade.stages.map(\.weakClassifiers.count).reduce(0, +), 2913)
        XCTAssertEqual(cascade.stages[0].weakClassifiers.count, 9)
        XCTAssertEqual(cascade.stages[0].threshold, -5.0425500869750977, accuracy: 1e-6)
        XCTAssertTrue(cascade.isStumpBased)
        let first = cascade.stages[0].weakClassifiers[0]
        XCTAssertEqual(first.nodes[0].featureIndex, 0)
        XCTAssertEqual(first.nodes[0].threshold, -3.1511999666690826e-02, accuracy: 1e-9)
        XCTAssertEqual(first.leaves, [2.0875380039215088, -2.2172100543975830])
        XCTAssertEqual(cascade.features[0].rects, [
            HaarCascade.WeightedRect(x: 6, y: 4, width: 12, height: 9, weight: -1),
            HaarCascade.WeightedRect(x: 6, y: 7, width: 12, height: 3, weight: 3),
        ])
    }

    func testTruncatedFilesNameTheFileAndTheProblem() throws {
        let bytes = try shippedBytes()
        for cut in [bytes.count / 2, bytes.count - 30, 2000, 10] {
            let message = loadError(Array(bytes[..<cut]))
            XCTAssertTrue(message.hasPrefix("test.xml: "), message)
            XCTAssertTrue(message.contains("unexpected end of file"), "cut at \(cut): \(message)")
        }
        XCTAssertTrue(loadError([]).contains("empty"))
    }

    func testCorruptContentIsNamed() throws {
        XCTAssertTrue(loadError(Array("not xml at all".utf8)).contains("malformed XML at line 1"))
        XCTAssertTrue(loadError(try edited("<stageThreshold>-5.0425500869750977e+00", with: "<stageThreshold>abc"))
            .contains("stage 0 has no numeric <stageThreshold>"))
        XCTAssertTrue(loadError(try edited("0 -1 0 -3.1511999666690826e-02", with: "0 -1 99999 -3.1511999666690826e-02"))
            .contains("stage 0, weak classifier 0: feature index 99999 is out of range (2913 features)"))
        XCTAssertTrue(loadError(try edited("2.0875380039215088e+00 -2.2172100543975830e+00", with: "2.0875380039215088e+00"))
            .contains("1 node(s) need 2 leaf values, got 1"))
        XCTAssertTrue(loadError(try edited("6 4 12 9 -1.", with: "6 4 12 21 -1."))
            .contains("feature 0: rectangle 6 4 12 21 lies outside the 24x24 window"))
        XCTAssertTrue(loadError(try edited("<featureType>HAAR", with: "<featureType>LBP")).contains("featureType LBP is not supported"))
        XCTAssertTrue(loadError(try edited("<stageNum>25", with: "<stageNum>26")).contains("<stageNum> says 26 stages but 25 are present"))
        XCTAssertTrue(loadError(try edited("</stageThreshold>", with: "</stageThreshhold>"))
            .contains("</stageThreshhold> closes <stageThreshold>"))
        XCTAssertTrue(loadError(Array("<opencv_storage><haarcascade_frontalface type_id=\"opencv-haar-classifier\"></haarcascade_frontalface></opencv_storage>".utf8))
            .contains("old-style cascade"))
    }

    func testMissingFileIsNamed() {
        XCTAssertThrowsError(try HaarCascade(contentsOf: URL(fileURLWithPath: "/nonexistent/cascade.xml"))) { error in
            XCTAssertEqual(String(describing: error),
                           "/nonexistent/cascade.xml: not a usable OpenCV Haar cascade: cannot read the file (No such file or directory)")
        }
    }

    func testDetectorRejectsOptionsOutOfRange() throws {
        let cascade = try HaarCascade(contentsOf: shipped)
        var options = HaarDetector.Options()
        options.scaleFactor = 1
        XCTAssertThrowsError(try HaarDetector(cascade: cascade, options: options)) { error in
            XCTAssertEqual(String(describing: error), "haar detector: scale factor 1.0 must be in (1, 4]")
        }
        options = HaarDetector.Options()
        options.minSize = 100
        options.maxSize = 50
        XCTAssertThrowsError(try HaarDetector(cascade: cascade, options: options))
    }
}
