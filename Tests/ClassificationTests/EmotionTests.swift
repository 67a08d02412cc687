import Classification
import XCTest

final class EmotionTests: XCTestCase {
    func testCanonicalNamesFollowFER2013Order() {
        XCTAssertEqual(Emotion.canonicalNames, ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"])
    }

    func testAliasesMapToCanonicalClasses() {
        let expected: [String: Emotion] = [
            "anger": .angry, "Angry": .angry, "happiness": .happy, "HAPPY": .happy, "sadness": .sad,
            "surprised": .surprise, "disgusted": .disgust, "fearful": .fear, " neutral ": .neutral,
        ]
        for (name, emotion) in expected {
            XCTAssertEqual(Emotion(parsing: name), emotion, name)
        }
        for name in ["contempt", "", "happyy", "calm"] {
            XCTAssertNil(Emotion(parsing: name), name)
        }
        XCTAssertTrue(Emotion.sameClass("happy", "Happiness"))
        XCTAssertTrue(Emotion.sameClass("Contempt", "contempt"), "identical unknown names still match")
        XCTAssertFalse(Emotion.sameClass("happy", "sad"))
        XCTAssertFalse(Emotion.sameClass("contempt", "disgust"))
    }

    func testColoursAreDistinctAndReadable() {
        let colors = Emotion.allCases.map(\.color)
        XCTAssertEqual(Set(colors).count, colors.count, "one colour per emotion")
        for color in colors {
            // Bright enough to read on a dark frame: luma of at least ~90.
            let luma = 0.299 * Double(color.r) + 0.587 * Double(color.g) + 0.114 * Double(color.b)
            XCTAssertGreaterThan(luma, 90, "\(color)")
        }
        for (i, a) in colors.enumerated() {
            for b in colors[(i + 1)...] {
                let distance = abs(Int(a.r) - Int(b.r)) + abs(Int(a.g) - Int(b.g)) + abs(Int(a.b) - Int(b.b))
                XCTAssertGreaterThan(distance, 120, "\(a) and \(b) are too alike")
            }
        }
        XCTAssertEqual(EmotionColor.forLabel("Happiness"), Emotion.happy.color)
        XCTAssertEqual(EmotionColor.forLabel("contempt"), EmotionColor.forLabel("contempt"))
        XCTAssertTrue(EmotionColor.fallbackPalette.contains(EmotionColor.forLabel("contempt")))
    }

    func testSoftmaxIsStableAndNormalised() {
        let p = Softmax.probabilities(fromLogits: [1, 2, 3])
        // exp([1,2,3]) / sum, worked out with numpy.
        XCTAssertEqual(p[0], 0.09003057, accuracy: 1e-6)
        XCTAssertEqual(p[1], 0.24472847, accuracy: 1e-6)
        XCTAssertEqual(p[2], 0.66524096, accuracy: 1e-6)

        let huge = Softmax.probabilities(fromLogits: [1000, 1001, 1002])
        for (a, b) in zip(huge, p) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        let tiny = Softmax.probabilities(fromLogits: [-1000, -999, -998])
        for (a, b) in zip(tiny, p) { XCTAssertEqual(a, b, accuracy: 1e-6) }

        XCTAssertEqual(Softmax.probabilities(fromLogits: []), [])
        XCTAssertEqual(Softmax.probabilities(fromLogits: [.nan, 1]), [0.5, 0.5])
        XCTAssertEqual(Softmax.probabilities(fromLogits: [7]), [1])
    }
}
