import Foundation
import Imaging

/// One frame for the overlay window: the picture, the faces to mark on it and the HUD numbers.
public struct OverlayFrame: Sendable {
    /// The picture as the camera delivered it (any chroma layout, full or limited range).
    public var image: YUVImage
    /// The faces to draw, in image coordinates.
    public var faces: [OverlayFace]
    /// The numbers shown in the HUD.
    public var hud: HUDStats

    public init(image: YUVImage, faces: [OverlayFace] = [], hud: HUDStats = HUDStats()) {
        self.image = image
        self.faces = faces
        self.hud = hud
    }
}

/// One face to mark: a box, a `#id label 87%` tag in the emotion colour, and optional per-class bars.
public struct OverlayFace: Sendable {
    /// The track number shown as `#id`.
    public var id: Int
    /// The face box in image coordinates.
    public var box: Rect
    /// The emotion name shown in the tag.
    public var label: String
    /// The probability of `label`, 0...1 (shown as a percentage).
    public var confidence: Float
    /// The colour of the box, the tag background and the top bar.
    public var color: RGB
    /// Per-class probabilities for the bars panel (empty: no panel for this face).
    public var probabilities: [OverlayProbability]
    /// False for a label that is not an emotion (`uncertain`, or `…` before the first classification): the
    /// tag then shows no percentage.
    public var showsConfidence: Bool

    public init(id: Int, box: Rect, label: String, confidence: Float, color: RGB,
                probabilities: [OverlayProbability] = [], showsConfidence: Bool = true) {
        self.id = id
        self.box = box
        self.label = label
        self.confidence = confidence
        self.color = color
        self.probabilities = probabilities
        self.showsConfidence = showsConfidence
    }

    /// The tag text: `#3 happy 87%`, or `#3 uncertain` when the label is not an emotion.
    public var tagText: String {
        guard showsConfidence else { return "#\(id) \(label)" }
        let percent = confidence.isFinite ? Int((min(max(confidence, 0), 1) * 100).rounded()) : 0
        return "#\(id) \(label) \(percent)%"
    }
}

/// One bar in a face's probability panel.
public struct OverlayProbability: Sendable, Hashable {
    /// The class name written beside the bar.
    public var label: String
    /// The probability, 0...1 (the bar's length).
    public var value: Float
    /// The bar colour; nil draws it in light grey.
    public var color: RGB?

    public init(label: String, value: Float, color: RGB? = nil) {
        self.label = label
        self.value = value
        self.color = color
    }
}

/// The numbers in the heads-up display (top left of the video).
public struct HUDStats: Sendable, Hashable {
    /// Frames shown per second.
    public var fps: Double
    /// Capture-to-display latency in milliseconds.
    public var latencyMilliseconds: Double
    /// Faces in this frame.
    public var faces: Int
    /// Frames dropped so far.
    public var drops: Int
    /// The source and its state, e.g. `/dev/video0 · streaming` (second HUD line; empty: none).
    public var status: String

    public init(fps: Double = 0, latencyMilliseconds: Double = 0, faces: Int = 0, drops: Int = 0, status: String = "") {
        self.fps = fps
        self.latencyMilliseconds = latencyMilliseconds
        self.faces = faces
        self.drops = drops
        self.status = status
    }

    /// The first HUD line: `30.0 fps · 12 ms · 4 faces · 0 dropped`.
    public var summaryLine: String {
        let fpsText = fps.isFinite ? String(format: "%.1f", fps) : "-"
        let latency = latencyMilliseconds.isFinite ? String(Int(latencyMilliseconds.rounded())) : "-"
        return "\(fpsText) fps · \(latency) ms · \(faces) \(faces == 1 ? "face" : "faces") · \(drops) dropped"
    }
}
