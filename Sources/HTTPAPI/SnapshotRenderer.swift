import Classification
import Foundation
import Imaging
import TextRendering
import Pipeline

/// Draws a frame's tracked faces (box in the emotion's colour, `#id label 87%`) and encodes it as JPEG.
public final class SnapshotRenderer: Sendable {
    private let text: TextRenderer?
    private let quality: Int

    /// Labels need DejaVu Sans (SDL2_ttf); without it only boxes are drawn.
    public init(quality: Int = 85) {
        self.text = try? TextRenderer()
        self.quality = quality
    }

    /// The annotated frame as JPEG bytes.
    public func render(_ result: FrameResult) throws -> [UInt8] {
        var canvas = result.frame.rgb()
        let scale = max(1, Float(max(canvas.width, canvas.height)) / 640)
        let thickness = max(2, Int((2 * scale).rounded()))
        let fontSize = max(12, Int((14 * scale).rounded()))
        for face in result.analysis.faces {
            let color = face.emotion.map { EmotionColor.forLabel($0.label) } ?? RGB(r: 200, g: 200, b: 200)
            canvas.drawRectangle(face.box, color: color, thickness: thickness)
            guard let text else { continue }
            var label = "#\(face.id)"
            if let e = face.emotion {
                label += e.isUncertain ? " \(e.label)" : " \(e.label) \(Int((e.confidence * 100).rounded()))%"
            }
            let size = try text.measure(label, size: fontSize)
            let box = face.box
            let y = box.minY - Float(size.height) - 2 >= 0 ? box.minY - Float(size.height) - 2 : max(0, box.minY)
            let x = min(max(0, box.minX), max(0, Float(canvas.width - size.width)))
            try text.drawText(label, at: Point(x: x, y: y), size: fontSize, color: RGB(r: 0, g: 0, b: 0),
                              background: color, on: &canvas)
        }
        return try JPEGEncoder.encode(canvas, quality: quality)
    }
}
