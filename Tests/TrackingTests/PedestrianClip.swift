import Detection
import FaceAnalysis
import Foundation
import Imaging
import TestSupport
import XCTest

/// The shared 1080p pedestrian clip as JPEG frames (decoded once per test run with Debian's ffmpeg) and
/// YuNet's detections on it, cached per detector width.
enum PedestrianClip {
    static let relativePath = "media/pedestrians_1080p.mp4"
    static let frameRate = 25.0

    /// The folder of extracted frames, made on first use.
    nonisolated(unsafe) private static var folder: URL?
    nonisolated(unsafe) private static var detections: [Int: [[DetectedFace]]] = [:]
    private static let lock = NSLock()

    /// The frame files in order; skips the test when the clip or ffmpeg is missing.
    static func frames() throws -> [URL] {
        lock.lock()
        defer { lock.unlock() }
        if let folder { return try list(folder) }
        guard let clip = TestPaths.shared(relativePath) else { throw XCTSkip(TestPaths.skipMessage(relativePath)) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg") else {
            throw XCTSkip("skipped: needs /usr/bin/ffmpeg to decode ../shared/\(relativePath)")
        }
        // One extraction per clip version, reused by later runs instead of piling up in the temp folder.
        let size = (try? FileManager.default.attributesOfItem(atPath: clip.path)[.size] as? Int) ?? 0
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fer-live-pedestrian-frames-\(size)")
        if !FileManager.default.fileExists(atPath: dir.path) {
            let staging = try TestPaths.temporaryDirectory()
            let run = try Subprocess.run("/usr/bin/ffmpeg", ["-nostdin", "-loglevel", "error", "-i", clip.path,
                                                             "-q:v", "3", staging.appendingPathComponent("%04d.jpg").path])
            guard run.status == 0 else {
                try? FileManager.default.removeItem(at: staging)
                XCTFail("ffmpeg could not decode \(clip.path): \(run.stderr)")
                throw XCTSkip("ffmpeg failed")
            }
            // Another test process may have finished first: then keep its copy.
            if (try? FileManager.default.moveItem(at: staging, to: dir)) == nil {
                try? FileManager.default.removeItem(at: staging)
            }
        }
        folder = dir
        return try list(dir)
    }

    private static func list(_ dir: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "jpg" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Frame `url` as full-resolution luma (what the pipeline gives the tracker).
    static func luma(_ url: URL) throws -> Image {
        try ImageCodec.decode(fileAt: url.path, as: .gray8)
    }

    /// YuNet's detections on every frame with the given input width, and the fastest and median seconds
    /// one frame took (resizing the 1080p RGB frame included; zeros when cached).
    static func detections(inputWidth: Int) throws -> (faces: [[DetectedFace]], fastest: Double, median: Double) {
        let files = try frames()
        lock.lock()
        let cached = detections[inputWidth]
        lock.unlock()
        if let cached { return (cached, 0, 0) }
        var options = YuNetDetector.Options()
        options.inputWidth = inputWidth
        let detector = try YuNetDetector(modelURL: try ModelLocator(explicit: TestPaths.models.path).detector,
                                         options: options)
        var all: [[DetectedFace]] = []
        var seconds: [Double] = []
        for file in files {
            let rgb = try ImageCodec.decode(fileAt: file.path, as: .rgb8)
            let start = DispatchTime.now().uptimeNanoseconds
            all.append(try detector.detect(in: rgb))
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        lock.lock()
        detections[inputWidth] = all
        lock.unlock()
        seconds.sort()
        return (all, seconds.first ?? 0, seconds.isEmpty ? 0 : seconds[seconds.count / 2])
    }
}
