/// How a face is presented to the classifier: once, or also mirrored with the two predictions averaged.
public enum TestTimeAugmentation: String, Sendable, CaseIterable, Codable {
    /// One pass on the crop.
    case none
    /// The crop and its mirror image; probabilities averaged (twice the cost).
    case flip
}
