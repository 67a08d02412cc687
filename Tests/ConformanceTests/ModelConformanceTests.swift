import Classification
import Detection
import FaceAnalysis
import Foundation
import Imaging
import Inference
import TestSupport
import XCTest

/// The shipped models and the engine-supported models of `../shared/models`, on real photos and
/// faces, against ONNX Runtime: every output within 1e-4 (max abs difference).
final class ModelConformanceTests: XCTestCase {
    static let tolerance: Float = 1e-4

    /// Packs `images` (already at the tensor size or smaller) as one NCHW batch.
    private func tensor(_ images: [Image], width: Int, height: Int, order: ChannelOrder,
                        scale: Float = 1, mean: [Float] = [0], std: [Float] = [1]) throws -> [Float] {
        let plane = order.channels * width * height
        var values = [Float](repeating: 0, count: plane * images.count)
        try values.withUnsafeMutableBufferPointer { buffer in
            for (i, image) in images.enumerated() {
                let slice = UnsafeMutableBufferPointer(rebasing: buffer[(i * plane)..<((i + 1) * plane)])
                try image.writePlanar(into: slice, width: width, height: height, order: order,
                                      scale: scale, mean: mean, std: std)
            }
        }
        return values
    }

    /// Runs `model` on one input in the engine and in ONNX Runtime and compares every output.
    private func assertConforms(_ model: URL, input: [Float], shape: [Int],
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let onnx = try ONNXModel(contentsOf: model.path)
        let name = onnx.inputs[0].name
        let theirs = try ONNXRuntimeReference.run(model: model, inputs: [name: .init(shape: shape, values: input)])
        // Every instruction set this CPU has (AVX-512, AVX2, baseline here), as one binary picks them, each with
        // the planar and the blocked layout (where the planner puts chains of convolutions in it).
        let variants = InstructionSet.supported.flatMap { isa in
            [InferenceOptions.Layout.planar, .blocked].map { InferenceOptions(instructionSet: isa, layout: $0) }
        }
        for options in variants {
            let session = try InferenceSession(model: onnx, inputShapes: [name: shape], options: options)
            XCTAssertEqual(session.instructionSet, options.instructionSet, file: file, line: line)
            let ours = try session.run([name: input])
            XCTAssertEqual(Set(ours.keys), Set(theirs.keys), file: file, line: line)
            for binding in session.outputs {
                let reference = try XCTUnwrap(theirs[binding.name], file: file, line: line)
                XCTAssertEqual(binding.shape, reference.shape, "\(model.lastPathComponent) \(binding.name) shape",
                               file: file, line: line)
                let diff = ONNXRuntimeReference.maxAbsDifference(ours[binding.name]!, reference.values)
                XCTAssertLessThanOrEqual(diff, Self.tolerance,
                                         "\(model.lastPathComponent) \(binding.name) \(shape) with \(options)",
                                         file: file, line: line)
            }
        }
    }

    private func photo(_ name: String) throws -> Image {
        try ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent(name).path, as: .rgb8)
    }

    // MARK: - Shipped models, committed fixtures

    func testShippedYuNetOnPhotosAtTwoSizes() throws {
        let model = TestPaths.models.appendingPathComponent("detection/yunet_s.onnx")
        for (name, width) in [("two_people.jpg", 320), ("obama_and_biden.jpg", 640), ("kit_with_rose.jpg", 160)] {
            let image = try photo(name)
            let height = Int((Float(image.height) * Float(width) / Float(image.width)).rounded())
            let padded = (width: (width + 31) / 32 * 32, height: (height + 31) / 32 * 32)
            let input = try tensor([image.resized(width: width, height: height)],
                                   width: padded.width, height: padded.height, order: .bgr)
            try assertConforms(model, input: input, shape: [1, 3, padded.height, padded.width])
        }
    }

    /// Every classifier shipped in `Models/emotion`, with its manifest (the default among them).
    private func shippedClassifiers() throws -> [(url: URL, manifest: ClassifierManifest)] {
        let names = try TestPaths.shippedClassifiers()
        XCTAssertTrue(names.contains(ModelLocator.defaultClassifier), "the default classifier is shipped: \(names)")
        return try names.map { name in
            let url = TestPaths.models.appendingPathComponent("emotion/\(name).onnx")
            return (url, try ClassifierManifest.load(forModelAt: url.path))
        }
    }

    /// `faces` (grey) resized to the classifier's input and normalised as its manifest says.
    private func classifierInput(_ faces: [Image], _ manifest: ClassifierManifest) throws -> [Float] {
        let input = manifest.input
        XCTAssertEqual(input.color, .gray, "\(manifest.name): these tests feed grey faces")
        return try tensor(try faces.map { try $0.resized(width: input.width, height: input.height) },
                          width: input.width, height: input.height, order: .gray,
                          scale: input.scale, mean: input.meanPerChannel, std: input.stdPerChannel)
    }

    func testShippedClassifiersOnFaceCropsFromPhotos() throws {
        let locator = TestPaths.models
        let detector = try YuNetDetector(modelURL: locator.appendingPathComponent("detection/yunet_s.onnx"))
        var crops: [Image] = []
        for name in ["two_people.jpg", "obama_and_biden.jpg", "kit_with_rose.jpg"] {
            let image = try photo(name)
            for face in try detector.detect(in: image) {
                crops.append(try image.faceCrop(box: face.box, leftEye: face.landmarks?.leftEye,
                                                rightEye: face.landmarks?.rightEye, margin: 0.1,
                                                outputWidth: 64, outputHeight: 64, format: .gray8))
            }
        }
        XCTAssertGreaterThanOrEqual(crops.count, 6, "faces found in the fixtures")
        for (url, manifest) in try shippedClassifiers() {
            try assertConforms(url, input: try classifierInput(crops, manifest),
                               shape: [crops.count, 1, manifest.input.height, manifest.input.width])
        }
    }

    // MARK: - ../shared data and models

    func testShippedClassifiersOnFER2013Faces() throws {
        guard let val = TestPaths.shared("data/fer2013/val") else { throw XCTSkip(TestPaths.skipMessage("data/fer2013/val")) }
        var faces: [Image] = []
        for emotion in Emotion.canonicalNames {
            let folder = val.appendingPathComponent(emotion)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().prefix(6)
            for file in files {
                faces.append(try ImageCodec.decode(fileAt: folder.appendingPathComponent(file).path, as: .gray8))
            }
        }
        for (url, manifest) in try shippedClassifiers() {
            try assertConforms(url, input: try classifierInput(faces, manifest),
                               shape: [faces.count, 1, manifest.input.height, manifest.input.width])
        }
    }

    func testSharedDetectorsOnGroupPhotos() throws {
        guard let models = TestPaths.shared("models"), let photos = TestPaths.shared("media/photos") else {
            throw XCTSkip(TestPaths.skipMessage("models and media/photos"))
        }
        let group = try ImageCodec.decode(fileAt: photos.appendingPathComponent("group_1.jpg").path, as: .rgb8)
        let snow = try ImageCodec.decode(fileAt: photos.appendingPathComponent("johnsnow_test1.jpg").path, as: .rgb8)
        // YuNet-n (dynamic) and YuNet-s fixed 640x640.
        try assertConforms(models.appendingPathComponent("yunet/yunet_n_dynamic.onnx"),
                           input: try tensor([group.resized(width: 320, height: 212)], width: 320, height: 224, order: .bgr),
                           shape: [1, 3, 224, 320])
        try assertConforms(models.appendingPathComponent("yunet/yunet_s_640_640.onnx"),
                           input: try tensor([snow.resized(width: 426, height: 640)], width: 640, height: 640, order: .bgr),
                           shape: [1, 3, 640, 640])
        // UltraFace RFB-320, full (with its own box decoding) and simplified.
        let ultra = try tensor([group.resized(width: 320, height: 240)], width: 320, height: 240, order: .rgb,
                               scale: 1, mean: [127], std: [128])
        for file in ["version-RFB-320.onnx", "version-RFB-320_simplified.onnx"] {
            try assertConforms(models.appendingPathComponent("ultraface/\(file)"), input: ultra, shape: [1, 3, 240, 320])
        }
    }
}
