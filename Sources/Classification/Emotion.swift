import Foundation

/// One of the seven FER2013 expression classes, with the alias rules used to match names to labels.
public enum Emotion: String, CaseIterable, Sendable, Codable {
    case angry, disgust, fear, happy, sad, surprise, neutral

    /// The canonical names in FER2013's class order: angry, disgust, fear, happy, sad, surprise, neutral.
    public static let canonicalNames: [String] = allCases.map(\.rawValue)

    /// Other spellings seen in data sets and models, mapped to the canonical class.
    /// "contempt" (CK+, AffectNet) deliberately maps to nothing: FER2013 has no such class.
    public static let aliases: [String: Emotion] = [
        "anger": .angry,
        "disgusted": .disgust,
        "fearful": .fear, "afraid": .fear, "scared": .fear,
        "happiness": .happy,
        "sadness": .sad,
        "surprised": .surprise,
    ]

    /// Parses a canonical name or an alias, ignoring case and surrounding spaces; nil when unknown.
    public init?(parsing name: String) {
        let key = name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if let emotion = Emotion(rawValue: key) {
            self = emotion
        } else if let emotion = Emotion.aliases[key] {
            self = emotion
        } else {
            return nil
        }
    }

    /// The colour used to draw this emotion's boxes and labels.
    public var color: EmotionColor {
        switch self {
        case .angry: EmotionColor(r: 230, g: 40, b: 40)      // red
        case .disgust: EmotionColor(r: 150, g: 200, b: 20)   // olive green
        case .fear: EmotionColor(r: 170, g: 80, b: 230)      // violet
        case .happy: EmotionColor(r: 255, g: 200, b: 0)      // amber
        case .sad: EmotionColor(r: 40, g: 120, b: 255)       // blue
        case .surprise: EmotionColor(r: 255, g: 120, b: 200) // pink
        case .neutral: EmotionColor(r: 200, g: 200, b: 200)  // light grey
        }
    }

    /// Whether a model or user label names the same class as `other` (case-insensitive, or via aliases).
    public static func sameClass(_ name: String, _ other: String) -> Bool {
        let a = name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let b = other.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if a == b { return true }
        guard let ea = Emotion(parsing: a), let eb = Emotion(parsing: b) else { return false }
        return ea == eb
    }
}
