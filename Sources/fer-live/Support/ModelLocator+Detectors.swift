import FaceAnalysis
import Foundation

extension ModelLocator {
    /// OpenCV's frontal-face Haar cascade (`detection/haarcascade_frontalface_default.xml`).
    var haarCascade: URL { directory.appendingPathComponent("detection/haarcascade_frontalface_default.xml") }
}
