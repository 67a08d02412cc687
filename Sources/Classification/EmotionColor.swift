import Imaging

/// The colour an emotion's box and label are drawn in (an 8-bit RGB colour).
public typealias EmotionColor = RGB

extension EmotionColor {
    /// Colours for labels that are not FER2013 classes, chosen by a stable hash of the label.
    public static let fallbackPalette: [EmotionColor] = [
        EmotionColor(r: 0, g: 200, b: 200),   // cyan
        EmotionColor(r: 255, g: 140, b: 0),   // orange
        EmotionColor(r: 120, g: 220, b: 120), // mint
        EmotionColor(r: 160, g: 120, b: 80),  // brown
        EmotionColor(r: 255, g: 255, b: 255), // white
    ]

    /// The colour of any model label: the emotion's colour when the label (or an alias) is a
    /// FER2013 class, otherwise a fallback colour that is the same for the same label on every run.
    public static func forLabel(_ label: String) -> EmotionColor {
        if let emotion = Emotion(parsing: label) { return emotion.color }
        var hash: UInt32 = 2_166_136_261 // FNV-1a: Swift's hashValue is seeded per process
        for byte in label.lowercased().utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return fallbackPalette[Int(hash % UInt32(fallbackPalette.count))]
    }
}

extension EmotionColor {
    /// The colour `uncertain` is drawn in on web pages and charts.
    public static let uncertain = EmotionColor(r: 158, g: 158, b: 158)

    /// `#rrggbb` of a label's colour for web pages and charts: `forLabel`, grey for `uncertain`.
    public static func hex(forLabel label: String) -> String {
        let c = label == "uncertain" ? uncertain : forLabel(label)
        return "#" + [c.r, c.g, c.b].map { v in
            let s = String(v, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }
}
