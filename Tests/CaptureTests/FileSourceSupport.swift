import Capture
import Foundation
import TestSupport
import XCTest

/// Clips made at test time with ffmpeg from the committed fixtures, and small helpers for the file-source tests.
enum Clips {
    /// The ffmpeg executable, or nil (tests that need it skip).
    static var ffmpeg: String? { ExternalTools.ffmpeg }

    static func requireFFmpeg() throws -> String {
        guard let ffmpeg else { throw XCTSkip(ExternalTools.missingFFmpeg("make test clips")) }
        return ffmpeg
    }

    static func fixture(_ name: String) -> String {
        TestPaths.fixtures.appendingPathComponent(name).path
    }

    /// Runs ffmpeg (`-nostdin -v error -y` first), failing on a non-zero exit.
    static func run(_ arguments: [String]) throws {
        let result = try Subprocess.run(try requireFFmpeg(), ["-nostdin", "-v", "error", "-y"] + arguments)
        guard result.status == 0 else {
            throw NSError(domain: "ffmpeg", code: Int(result.status),
                          userInfo: [NSLocalizedDescriptionKey: "ffmpeg \(arguments.joined(separator: " ")): \(result.stderr)"])
        }
    }

    /// A clip of `seconds` × `rate` frames of a still fixture, 320 px wide, in `format` ("yuv4mpegpipe" or "mjpeg").
    static func make(_ name: String, in directory: URL, format: String, pixelFormat: String? = nil,
                     rate: Int = 10, seconds: Double = 1, width: Int = 320,
                     fixture: String = "two_people.jpg", extra: [String] = []) throws -> String {
        let path = directory.appendingPathComponent(name).path
        var arguments = ["-loop", "1", "-i", Clips.fixture(fixture), "-t", "\(seconds)", "-r", "\(rate)",
                         "-vf", "scale=\(width):-2"]
        if let pixelFormat { arguments += ["-pix_fmt", pixelFormat] }
        arguments += extra + ["-f", format, path]
        try run(arguments)
        return path
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Every frame of a source, until nil.
    static func drain(_ source: any FrameSource) throws -> [CapturedFrame] {
        var frames = [CapturedFrame]()
        while let frame = try source.next() { frames.append(frame) }
        return frames
    }

    /// The offsets of each occurrence of `needle` in `haystack`.
    static func offsets(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard needle.count <= haystack.count else { return [] }
        var found = [Int]()
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0], Array(haystack[i..<(i + needle.count)]) == needle { found.append(i) }
            i += 1
        }
        return found
    }

    /// Frame boundaries of an ffmpeg MJPEG file (offsets of each FF D8 FF that starts a frame).
    static func jpegStarts(_ stream: [UInt8]) -> [Int] {
        offsets(of: [0xFF, 0xD8, 0xFF], in: stream)
    }

    /// Writes `bytes` into a pipe from another thread in `chunk`-sized pieces (with short pauses, so the
    /// reader sees short reads), then closes the write end. Returns the read end.
    static func pipe(_ bytes: [UInt8], chunk: Int = 1000, pauseEvery: Int = 50) -> Pipe {
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        Thread.detachNewThread {
            var offset = 0, pieces = 0
            while offset < bytes.count {
                let end = min(offset + chunk, bytes.count)
                writer.write(Data(bytes[offset..<end]))
                offset = end
                pieces += 1
                if pieces % pauseEvery == 0 { usleep(1000) }
            }
            try? writer.close()
        }
        return pipe
    }
}

/// Collects skip reasons from a source's skip handler (thread-safe).
final class SkipLog: @unchecked Sendable {
    private let lock = NSLock()
    private var reasons = [String]()

    var all: [String] {
        lock.lock(); defer { lock.unlock() }
        return reasons
    }

    var handler: @Sendable (String) -> Void {
        { [self] reason in
            lock.lock()
            reasons.append(reason)
            lock.unlock()
        }
    }
}
