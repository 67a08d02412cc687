import Classification
import Imaging
import TextRendering

/// Draws analysed faces onto a copy of the image: a box coloured by emotion and a `label 87%` tag.
public final class Annotator {
    private let text: TextRenderer?

    /// Uses DejaVu Sans through SDL2_ttf; without a font, boxes are drawn and labels left out.
    public init(fontPath: String? = nil) {
        text = try? TextRenderer(fontPath: fontPath)
    }

    /// Whether labels can be drawn (a font was found).
    public var canDrawText: Bool { text != nil }

    /// The image in RGB with every face annotated; `numbered` prefixes labels with `#n`.
    public func annotate(_ image: Image, faces: [AnalyzedFace], numbered: Bool = false) throws -> Image {
        var canvas = image.format == .rgb8 ? image : image.converted(to: .rgb8)
        let scale = max(1, Float(max(canvas.width, canvas.height)) / 640)
        let thickness = max(2, Int((2 * scale).rounded()))
        let fontSize = max(12, Int((14 * scale).rounded()))
        for (index, face) in faces.enumerated() {
            let color = EmotionColor.forLabel(face.emotion.label)
            canvas.drawRectangle(face.detection.box, color: color, thickness: thickness)
            guard let text else { continue }
            let percent = Int((face.emotion.confidence * 100).rounded())
            let label = (numbered ? "#\(index + 1) " : "") + "\(face.emotion.label) \(percent)%"
            let size = try text.measure(label, size: fontSize)
            let box = face.detection.box
            // Above the box when there is room, else inside its top edge.
            let y = box.minY - Float(size.height) - 2 >= 0 ? box.minY - Float(size.height) - 2 : max(0, box.minY)
            let x = min(max(0, box.minX), max(0, Float(canvas.width - size.width)))
            try text.drawText(label, at: Point(x: x, y: y), size: fontSize, color: .black, background: color, on: &canvas)
        }
        return canvas
    }
}
