import Classification
import Imaging
import TestSupport
import XCTest

/// `--tta flip`: the prediction is the mean of the crop's and its mirror image's.
final class TestTimeAugmentationTests: XCTestCase {
    private let model = TestPaths.models.appendingPathComponent("emotion/mini_xception.onnx")

    /// A lopsided 64x64 grey "face": a gradient with a bright blob on the left.
    private func asymmetricFace() throws -> Image {
        var pixels = [UInt8](repeating: 0, count: 64 * 64)
        for y in 0..<64 {
            for x in 0..<64 {
                let blob = (x - 16) * (x - 16) + (y - 24) * (y - 24) < 100 ? 120 : 0
                pixels[y * 64 + x] = UInt8(min(255, 40 + 2 * x + y + blob))
            }
        }
        return try Image(width: 64, height: 64, format: .gray8, pixels: pixels)
    }

    func testFlipAveragesTheCropAndItsMirror() throws {
        let classifier = try EmotionClassifier(modelURL: model)
        let face = try asymmetricFace()
        let plain = try classifier.classify(face: face).probabilities
        let mirrored = try classifier.classify(face: face.mirrored()).probabilities
        XCTAssertGreaterThan(zip(plain, mirrored).map { abs($0 - $1) }.max() ?? 0, 1e-4,
                             "the mirror image must look different to the network for this test to mean anything")
        classifier.testTimeAugmentation = .flip
        let flipped = try classifier.classify(face: face).probabilities
        for i in plain.indices {
            XCTAssertEqual(flipped[i], (plain[i] + mirrored[i]) / 2, accuracy: 1e-5, "label \(i)")
        }
        XCTAssertEqual(flipped.reduce(0, +), 1, accuracy: 1e-4)
        // The mirror image's flip-averaged prediction is the same average.
        let ofMirror = try classifier.classify(face: face.mirrored()).probabilities
        for i in plain.indices { XCTAssertEqual(ofMirror[i], flipped[i], accuracy: 1e-5) }
    }

    func testFlipWithAnEmotionSubsetRenormalisesTheAverage() throws {
        let subset = ["happy", "sad", "neutral"]
        let all = try EmotionClassifier(modelURL: model)
        all.testTimeAugmentation = .flip
        let some = try EmotionClassifier(modelURL: model, emotions: subset)
        some.testTimeAugmentation = .flip
        let face = try asymmetricFace()
        let full = try all.classify(face: face)
        let part = try some.classify(face: face)
        XCTAssertEqual(part.labels, subset)
        let picked = subset.map { full.probabilities[full.labels.firstIndex(of: $0)!] }
        let total = picked.reduce(0, +)
        for (i, p) in picked.enumerated() { XCTAssertEqual(part.probabilities[i], p / total, accuracy: 1e-5) }
    }
}
