import Classification
import Foundation
import Imaging
import TestSupport
import XCTest

final class ManifestTests: XCTestCase {
    /// A valid manifest as a JSON object, for tests to break one field at a time.
    private func validObject() -> [String: Any] {
        [
            "name": "mini_xception", "task": "emotion",
            "input": ["name": "input", "width": 64, "height": 64, "color": "gray", "layout": "NCHW",
                      "scale": 255.0, "mean": [0.5], "std": [0.5]] as [String: Any],
            "output": ["name": "probabilities", "kind": "probabilities"],
            "labels": ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"],
            "source": "oarriaga/face_classification", "license": "MIT",
        ]
    }

    private func data(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object)
    }

    /// Decodes `object` after `change`, expecting an error about `field`; returns its description.
    @discardableResult
    private func expectInvalid(field: String, _ change: (inout [String: Any]) -> Void,
                               file: StaticString = #filePath, line: UInt = #line) throws -> String {
        var object = validObject()
        change(&object)
        let json = try data(object)
        do {
            _ = try ClassifierManifest.decode(json, file: "m.json")
            XCTFail("expected an error about \(field)", file: file, line: line)
            return ""
        } catch {
            guard case .invalid(let f, let actualField, _) = error else {
                XCTFail("expected .invalid for \(field), got \(error)", file: file, line: line)
                return ""
            }
            XCTAssertEqual(f, "m.json", file: file, line: line)
            XCTAssertEqual(actualField, field, "\(error)", file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix("m.json: \(field): "), error.description, file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), file: file, line: line)
            return error.description
        }
    }

    private func setInput(_ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
        { object in
            var input = object["input"] as! [String: Any]
            input[key] = value
            object["input"] = input
        }
    }

    func testValidManifestDecodesWithDefaults() throws {
        let manifest = try ClassifierManifest.decode(try data(validObject()), file: "m.json")
        XCTAssertEqual(manifest.name, "mini_xception")
        XCTAssertEqual(manifest.input.width, 64)
        XCTAssertEqual(manifest.input.color, .gray)
        XCTAssertEqual(manifest.input.channels, 1)
        XCTAssertEqual(manifest.input.scale, 255)
        XCTAssertEqual(manifest.output.kind, .probabilities)
        XCTAssertEqual(manifest.labels.count, 7)
        XCTAssertEqual(manifest.faceMargin, 0.1, "face_margin defaults to 0.1")
        XCTAssertEqual(manifest.license, "MIT")

        var object = validObject()
        object["face_margin"] = 0.0
        object["source"] = nil
        let explicit = try ClassifierManifest.decode(try data(object), file: "m.json")
        XCTAssertEqual(explicit.faceMargin, 0)
        XCTAssertNil(explicit.source)
    }

    func testRGBManifestExpandsSingleMeanAndKeepsPerChannelValues() throws {
        var object = validObject()
        setInput("color", "bgr")(&object)
        setInput("mean", [0.1, 0.2, 0.3])(&object)
        setInput("std", [0.5])(&object)
        let manifest = try ClassifierManifest.decode(try data(object), file: "m.json")
        XCTAssertEqual(manifest.input.channels, 3)
        XCTAssertEqual(manifest.input.meanPerChannel, [0.1, 0.2, 0.3])
        XCTAssertEqual(manifest.input.stdPerChannel, [0.5, 0.5, 0.5])
    }

    func testEncodingRoundTripsAndUsesSnakeCase() throws {
        var object = validObject()
        object["face_margin"] = 0.25
        setInput("color", "rgb")(&object)
        let manifest = try ClassifierManifest.decode(try data(object), file: "m.json")
        let encoded = try JSONEncoder().encode(manifest)
        let text = String(decoding: encoded, as: UTF8.self)
        XCTAssertTrue(text.contains("\"face_margin\""), text)
        XCTAssertTrue(text.contains("\"NCHW\""), text)
        XCTAssertEqual(try ClassifierManifest.decode(encoded, file: "again.json"), manifest)
    }

    func testLoadFindsTheJSONBesideTheModel() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("emotion.v2.onnx").path
        XCTAssertEqual(ClassifierManifest.manifestPath(forModelAt: model), dir.appendingPathComponent("emotion.v2.json").path)

        XCTAssertThrowsError(try ClassifierManifest.load(forModelAt: model)) { error in
            XCTAssertEqual("\(error)", "no manifest beside \(model): expected \(dir.path)/emotion.v2.json")
        }
        try data(validObject()).write(to: dir.appendingPathComponent("emotion.v2.json"))
        XCTAssertEqual(try ClassifierManifest.load(forModelAt: model).name, "mini_xception")
    }

    func testBadJSONNamesTheFileAndTheDecoderReason() throws {
        let reasons = ["{\"name\": ": "Unexpected end of file during JSON parse.",
                       "not json": "Invalid value around character 1.",
                       "": "Unexpected end of file during JSON parse."]
        for (text, reason) in reasons {
            XCTAssertThrowsError(try ClassifierManifest.decode(Data(text.utf8), file: "x/m.json")) { error in
                guard case .malformed = error as? ClassifierManifestError else {
                    return XCTFail("expected .malformed for \(text), got \(error)")
                }
                let line = "\(error)"
                XCTAssertTrue(line.hasPrefix("x/m.json: not a valid JSON manifest: "), line)
                #if os(Linux)
                XCTAssertEqual(line, "x/m.json: not a valid JSON manifest: " + reason)
                #else
                XCTAssertGreaterThan(line.count, "x/m.json: not a valid JSON manifest: ".count + 5, line)
                #endif
                XCTAssertFalse(line.contains("\n"), line)
            }
        }
        XCTAssertThrowsError(try ClassifierManifest.decode(Data("[1, 2]".utf8), file: "m.json")) { error in
            XCTAssertEqual("\(error)", "m.json: not a valid JSON manifest: expected a JSON object")
        }
    }

    func testMissingAndMistypedFieldsAreNamed() throws {
        try expectInvalid(field: "labels") { $0["labels"] = nil }
        let missing = try expectInvalid(field: "input.width", setInput("width", NSNull()))
        XCTAssertTrue(missing.hasSuffix("is null"), missing)
        var object = validObject()
        var input = object["input"] as! [String: Any]
        input["height"] = nil
        object["input"] = input
        XCTAssertThrowsError(try ClassifierManifest.decode(try data(object), file: "m.json")) { error in
            XCTAssertEqual("\(error)", "m.json: input.height: is missing")
        }
        let mistyped = try expectInvalid(field: "input.width", setInput("width", "64"))
        XCTAssertTrue(mistyped.contains("expected a number"), mistyped)
        let fraction = try expectInvalid(field: "input.height", setInput("height", 64.5))
        XCTAssertEqual(fraction, "m.json: input.height: must be a whole number, got 64.5")
        let name = try expectInvalid(field: "name") { $0["name"] = 3 }
        XCTAssertEqual(name, "m.json: name: has the wrong type (expected a string)")
        try expectInvalid(field: "labels[1]") { $0["labels"] = ["angry", 3] }
    }

    func testEnumeratedValuesListTheAcceptedOnes() throws {
        let color = try expectInvalid(field: "input.color", setInput("color", "cmyk"))
        XCTAssertEqual(color, "m.json: input.color: unknown colour \"cmyk\" (expected \"gray\", \"rgb\" or \"bgr\")")
        let layout = try expectInvalid(field: "input.layout", setInput("layout", "NHWC"))
        XCTAssertEqual(layout, "m.json: input.layout: unknown layout \"NHWC\" (only \"NCHW\" is supported)")
        let kind = try expectInvalid(field: "output.kind") { $0["output"] = ["name": "y", "kind": "softmax"] }
        XCTAssertTrue(kind.contains("\"logits\""), kind)
    }

    func testMeanAndStdCountsFollowTheColour() throws {
        let gray = try expectInvalid(field: "input.mean", setInput("mean", [0.5, 0.5, 0.5]))
        XCTAssertEqual(gray, "m.json: input.mean: has 3 values; gray needs 1")
        var rgb = validObject()
        setInput("color", "rgb")(&rgb)
        let rgbObject = rgb
        let two = try expectInvalid(field: "input.std") { object in
            object = rgbObject
            var input = object["input"] as! [String: Any]
            input["std"] = [0.5, 0.5]
            object["input"] = input
        }
        XCTAssertEqual(two, "m.json: input.std: has 2 values; rgb needs 1 or 3")
        try expectInvalid(field: "input.mean", setInput("mean", [Double]()))
    }

    func testZeroStdIsRejected() throws {
        let zero = try expectInvalid(field: "input.std", setInput("std", [0.0]))
        XCTAssertTrue(zero.contains("contains 0"), zero)
        var object = validObject()
        setInput("color", "rgb")(&object)
        let rgbObject = object
        try expectInvalid(field: "input.std") { object in
            object = rgbObject
            var input = object["input"] as! [String: Any]
            input["std"] = [0.2, 0, 0.2]
            object["input"] = input
        }
    }

    func testSidesMustBeBetweenOneAnd1024() throws {
        let zero = try expectInvalid(field: "input.width", setInput("width", 0))
        XCTAssertEqual(zero, "m.json: input.width: 0 is outside 1...1024")
        try expectInvalid(field: "input.width", setInput("width", 1025))
        try expectInvalid(field: "input.height", setInput("height", -3))
        try expectInvalid(field: "input.height", setInput("height", 2000))
        var object = validObject()
        setInput("width", 1024)(&object)
        setInput("height", 1)(&object)
        XCTAssertNoThrow(try ClassifierManifest.decode(try data(object), file: "m.json"))
    }

    func testLabelsMustBeNonEmptyAndDistinct() throws {
        let empty = try expectInvalid(field: "labels") { $0["labels"] = [String]() }
        XCTAssertEqual(empty, "m.json: labels: must name at least one class")
        let duplicate = try expectInvalid(field: "labels") { $0["labels"] = ["happy", "sad", "Happy"] }
        XCTAssertEqual(duplicate, "m.json: labels: \"Happy\" appears more than once")
        try expectInvalid(field: "labels[1]") { $0["labels"] = ["happy", " "] }
    }

    func testOtherValuesAreChecked() throws {
        try expectInvalid(field: "input.scale", setInput("scale", 0))
        try expectInvalid(field: "face_margin") { $0["face_margin"] = -0.1 }
        try expectInvalid(field: "face_margin") { $0["face_margin"] = 1.5 }
        try expectInvalid(field: "input.name", setInput("name", ""))
    }

    func testFramingAndTemperatureAreReadAndChecked() throws {
        var object = validObject()
        object["framing"] = ["template": [[0.3, 0.4], [0.7, 0.4], [0.5, 0.6], [0.35, 0.8], [0.65, 0.8]], "source": "test"]
        object["temperature"] = 1.5
        let manifest = try ClassifierManifest.decode(try data(object), file: "m.json")
        XCTAssertEqual(manifest.framing?.template[1], Point(x: 0.7, y: 0.4))
        XCTAssertEqual(manifest.temperature, 1.5)
        XCTAssertEqual(try ClassifierManifest.decode(try data(validObject()), file: "m.json").temperature, 1)
        // Written and read back unchanged.
        let again = try ClassifierManifest.decode(try JSONEncoder().encode(manifest), file: "m.json")
        XCTAssertEqual(again, manifest)
        try expectInvalid(field: "framing.template") {
            $0["framing"] = ["template": [[0.5, 0.4], [0.51, 0.4], [0.5, 0.6], [0.35, 0.8], [0.65, 0.8]]]
        }
        try expectInvalid(field: "framing.template") { $0["framing"] = ["template": [[0.3, 0.4], [0.7, 0.4]]] }
        try expectInvalid(field: "temperature") { $0["temperature"] = 0 }
        try expectInvalid(field: "temperature") { $0["temperature"] = 100 }
    }

    func testContrastStretchIsReadAndChecked() throws {
        var object = validObject()
        XCTAssertNil(try ClassifierManifest.decode(try data(object), file: "m.json").input.contrast)
        setInput("contrast", ["method": "stretch", "low_percentile": 2, "high_percentile": 98])(&object)
        let manifest = try ClassifierManifest.decode(try data(object), file: "m.json")
        XCTAssertEqual(manifest.input.contrast, ContrastStretch(lowPercentile: 2, highPercentile: 98, minimumRange: 8))
        XCTAssertEqual(try ClassifierManifest.decode(try JSONEncoder().encode(manifest), file: "m.json"), manifest)
        let message = try expectInvalid(field: "input.contrast",
                                        setInput("contrast", ["method": "stretch", "low_percentile": 99, "high_percentile": 1]))
        XCTAssertTrue(message.contains("low_percentile < high_percentile"), message)
        try expectInvalid(field: "input.contrast",
                          setInput("contrast", ["method": "stretch", "low_percentile": 1, "high_percentile": 120]))
        try expectInvalid(field: "input.contrast", setInput("contrast", [
            "method": "stretch", "low_percentile": 1, "high_percentile": 99, "minimum_range": 0,
        ]))
        try expectInvalid(field: "input.contrast.method",
                          setInput("contrast", ["method": "clahe", "low_percentile": 1, "high_percentile": 99]))
    }

    func testTemperatureSharpensOrFlattensProbabilities() {
        let p: [Float] = [0.1, 0.2, 0.7]
        let kind = ClassifierManifest.OutputKind.probabilities
        XCTAssertEqual(kind.probabilities(from: p, temperature: 1), p)
        let flat = kind.probabilities(from: p, temperature: 2)
        let sharp = kind.probabilities(from: p, temperature: 0.5)
        XCTAssertEqual(flat.reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertLessThan(flat[2], 0.7)
        XCTAssertGreaterThan(sharp[2], 0.7)
        // For probabilities, T = 2 is the square root renormalised.
        let roots = p.map { $0.squareRoot() }
        let total = roots.reduce(0, +)
        for (a, b) in zip(flat, roots.map { $0 / total }) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        // Logits: softmax(z / T).
        let z: [Float] = [0, 1, 2]
        XCTAssertEqual(ClassifierManifest.OutputKind.logits.probabilities(from: z, temperature: 2),
                       Softmax.probabilities(fromLogits: [0, 0.5, 1]))
    }

    func testOutputKindTurnsLogitsIntoProbabilities() {
        let logits: [Float] = [1, 2, 3]
        let probabilities = ClassifierManifest.OutputKind.logits.probabilities(from: logits)
        XCTAssertEqual(probabilities.reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertEqual(ClassifierManifest.OutputKind.probabilities.probabilities(from: [0.2, 0.8]), [0.2, 0.8])
    }
}
