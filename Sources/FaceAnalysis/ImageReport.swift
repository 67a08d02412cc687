import Foundation
import Imaging

/// What `fer-live image --json` and `POST /api/v1/analyze` report for one image.
public struct ImageReport: Encodable, Sendable {
    /// One face: its box, detector score, emotion, probabilities and landmarks.
    public struct Face: Encodable, Sendable {
        public let box: Rect
        public let score: Float
        public let emotion: String
        public let confidence: Float
        public let probabilities: [String: Float]
        public let landmarks: [String: Point]?
    }

    public let file: String
    public let width: Int
    public let height: Int
    public let faces: [Face]
    public let detect_ms: Double
    public let classify_ms: Double

    public init(file: String, analysis: ImageAnalysis) {
        self.file = file
        width = analysis.width
        height = analysis.height
        detect_ms = analysis.detectMilliseconds
        classify_ms = analysis.classifyMilliseconds
        faces = analysis.faces.map { face in
            let l = face.detection.landmarks
            return Face(
                box: face.detection.box, score: face.detection.score, emotion: face.emotion.label,
                confidence: face.emotion.confidence,
                probabilities: Dictionary(uniqueKeysWithValues: zip(face.emotion.labels, face.emotion.probabilities)),
                landmarks: l.map { ["left_eye": $0.leftEye, "right_eye": $0.rightEye, "nose": $0.nose,
                                    "mouth_left": $0.mouthLeft, "mouth_right": $0.mouthRight] })
        }
    }

    /// One header line, then one line per face.
    public var text: String {
        let name = URL(fileURLWithPath: file).lastPathComponent
        var lines = [String(format: "%@: %d face%@ (%dx%d, detect %.1f ms, classify %.1f ms)",
                            name as NSString, faces.count, faces.count == 1 ? "" : "s", width, height,
                            detect_ms, classify_ms)]
        if faces.isEmpty { lines[0] += " — no face found" }
        for (i, f) in faces.enumerated() {
            lines.append(String(format: "  #%d  box x=%d y=%d w=%d h=%d  %@ %.0f%%  (face score %.2f)",
                                i + 1, Int(f.box.x.rounded()), Int(f.box.y.rounded()), Int(f.box.width.rounded()),
                                Int(f.box.height.rounded()), f.emotion as NSString, f.confidence * 100, f.score))
        }
        return lines.joined(separator: "\n")
    }
}
