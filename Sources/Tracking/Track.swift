import Detection
import Imaging

/// One followed face inside `FaceTracker`: its box, motion, appearance and lifecycle bookkeeping.
final class Track {
    /// 0 until confirmed.
    var id = 0
    var box: Rect
    var landmarks: FaceLandmarks?
    /// Velocity of the box centre in pixels per second (the constant-velocity prediction).
    var velocityX: Float = 0
    var velocityY: Float = 0
    var isConfirmed = false
    /// Detections matched so far.
    var hits = 1
    /// Detector frames missed in a row.
    var misses = 0
    let firstSeen: Double
    var lastDetected: Double
    /// The last time the face was detected or tracked with confidence.
    var lastSeen: Double
    /// The time of the frame the box belongs to.
    var lastTime: Double
    var detectionScore: Float
    var confidence: Float = 1
    /// When the searches started failing (nil while they succeed).
    var lowConfidenceSince: Double?
    var template: FaceTemplate

    init(detection: DetectedFace, time: Double, template: FaceTemplate) {
        box = detection.box
        landmarks = detection.landmarks
        firstSeen = time
        lastDetected = time
        lastSeen = time
        lastTime = time
        detectionScore = detection.score
        self.template = template
    }

    /// Moves the box, carrying the landmarks along (shifted and scaled with it).
    func move(to newBox: Rect) {
        if let old = landmarks, box.width > 0, box.height > 0 {
            let sx = newBox.width / box.width, sy = newBox.height / box.height
            let from = box
            landmarks = old.mapped { p in
                Point(x: newBox.x + (p.x - from.x) * sx, y: newBox.y + (p.y - from.y) * sy)
            }
        }
        box = newBox
    }

    /// The public view of this track.
    var face: TrackedFace {
        TrackedFace(id: id, box: box, landmarks: landmarks, isConfirmed: isConfirmed, firstSeen: firstSeen,
                    lastDetected: lastDetected, detectionScore: detectionScore, trackingConfidence: confidence)
    }

    /// The record of this track ending.
    func ended(_ reason: EndedTrack.Reason) -> EndedTrack {
        EndedTrack(id: id, firstSeen: firstSeen, lastSeen: lastSeen, reason: reason)
    }
}
