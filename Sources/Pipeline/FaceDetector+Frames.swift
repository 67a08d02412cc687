import Detection
import Imaging

extension FaceDetector {
    /// Faces in a decoded frame, in frame pixels: the detector sees the frame scaled to `width` (aspect kept,
    /// converted straight from the YUV planes; smaller frames as they are), and faces whose shorter side is
    /// below `minimumFaceSize` frame pixels are dropped. Grey detectors (Haar) get the scaled luma plane,
    /// with no colour conversion at all.
    public func detect(in frame: YUVImage, width: Int, minimumFaceSize: Float = 0) throws -> [DetectedFace] {
        let w = min(width, frame.width)
        let h = max(1, Int((Double(frame.height) * Double(w) / Double(frame.width)).rounded()))
        let faces: [DetectedFace]
        if let grey = self as? GreyFaceDetector {
            faces = try grey.detect(grey: w == frame.width && h == frame.height ? frame.luma : frame.luma.resized(width: w, height: h))
        } else {
            faces = try detect(in: frame.rgb(width: w, height: h))
        }
        let sx = Float(frame.width) / Float(w), sy = Float(frame.height) / Float(h)
        return faces.compactMap { face in
            var scaled = face
            scaled.box = face.box.scaled(x: sx, y: sy)
            scaled.landmarks = face.landmarks?.mapped { Point(x: $0.x * sx, y: $0.y * sy) }
            return min(scaled.box.width, scaled.box.height) >= minimumFaceSize ? scaled : nil
        }
    }
}
