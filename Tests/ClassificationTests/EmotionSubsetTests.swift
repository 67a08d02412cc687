import Classification
import XCTest

final class EmotionSubsetTests: XCTestCase {
    let labels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]

    func testResolvesNamesInTheUsersOrder() throws {
        let subset = try EmotionSubset(modelLabels: labels, list: "happy, sad,Surprise,neutral")
        XCTAssertEqual(subset.indices, [3, 4, 5, 6])
        XCTAssertEqual(subset.labels, ["happy", "sad", "surprise", "neutral"])
        let reordered = try EmotionSubset(modelLabels: labels, names: ["neutral", "happiness", "anger"])
        XCTAssertEqual(reordered.labels, ["neutral", "happy", "angry"], "aliases resolve to the model's names")
    }

    func testApplyRestrictsAndRenormalises() throws {
        let subset = try EmotionSubset(modelLabels: labels, list: "surprise,happy")
        let probabilities: [Float] = [0.1, 0.05, 0.05, 0.3, 0.2, 0.1, 0.2]
        let restricted = subset.apply(probabilities)
        XCTAssertEqual(restricted.count, 2)
        XCTAssertEqual(restricted[0], 0.25, accuracy: 1e-6) // 0.1 / 0.4
        XCTAssertEqual(restricted[1], 0.75, accuracy: 1e-6) // 0.3 / 0.4
    }

    func testZeroMassGivesUniform() throws {
        let subset = try EmotionSubset(modelLabels: labels, list: "fear,sad,disgust")
        XCTAssertEqual(subset.apply([1, 0, 0, 0, 0, 0, 0]), [1 / 3, 1 / 3, 1 / 3])
    }

    func testErrors() {
        XCTAssertThrowsError(try EmotionSubset(modelLabels: labels, list: "happy,contempt")) { error in
            XCTAssertEqual(error as? EmotionSubsetError, .unknown(name: "contempt", valid: labels))
            XCTAssertEqual("\(error)", "--emotions: unknown emotion \"contempt\"; the model knows "
                + "angry, disgust, fear, happy, sad, surprise, neutral")
        }
        XCTAssertThrowsError(try EmotionSubset(modelLabels: labels, list: "happy,sad,happy")) { error in
            XCTAssertEqual("\(error)", "--emotions: \"happy\" is listed twice")
        }
        XCTAssertThrowsError(try EmotionSubset(modelLabels: labels, list: "happy,happiness")) { error in
            XCTAssertEqual(error as? EmotionSubsetError, .duplicate(name: "happiness", label: "happy"))
        }
        XCTAssertThrowsError(try EmotionSubset(modelLabels: labels, list: "  ")) { error in
            XCTAssertEqual(error as? EmotionSubsetError, .empty)
        }
        XCTAssertThrowsError(try EmotionSubset(modelLabels: labels, names: [])) { error in
            XCTAssertEqual(error as? EmotionSubsetError, .empty)
        }
        XCTAssertThrowsError(try EmotionSubset(modelLabels: labels, list: "happy,,sad")) { error in
            XCTAssertEqual(error as? EmotionSubsetError, .blankEntry(position: 2))
        }
    }
}
