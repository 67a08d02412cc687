import Capture
import Foundation
import Imaging
import TestSupport
import XCTest

final class Y4MSourceTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        _ = try Clips.requireFFmpeg()
        directory = try TestPaths.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func testReadsAnFFmpegClip() throws {
        let path = try Clips.make("clip.y4m", in: directory, format: "yuv4mpegpipe", pixelFormat: "yuv420p")
        let source = try Y4MSource(path: path)
        XCTAssertEqual(source.name, path)
        XCTAssertEqual(source.frameRate, 10)
        XCTAssertFalse(source.isLive)
        XCTAssertEqual(source.header.width, 320)
        XCTAssertEqual(source.header.height, 188)
        XCTAssertEqual(source.header.colorspace, "420jpeg")
        let states = StateLog()
        source.stateHandler = states.handler
        let start = MonotonicClock.now
        let frames = try Clips.drain(source)
        XCTAssertEqual(frames.count, 10)
        XCTAssertEqual(source.skippedFrames, 0)
        XCTAssertEqual(states.all.first, .streaming(mode: "320x188 y4m 420jpeg 10 fps"))
        XCTAssertEqual(states.all.last, .ended)
        for (i, frame) in frames.enumerated() {
            XCTAssertEqual(frame.sequence, i)
            XCTAssertEqual(frame.presentationTime, Double(i) / 10, accuracy: 1e-9)
            XCTAssertGreaterThanOrEqual(frame.captureTime, start)
            XCTAssertEqual(frame.payload, .planarYUV(chromaWidth: 160, chromaHeight: 94, range: .limited))
            XCTAssertEqual(frame.bytes.count, 320 * 188 * 3 / 2)
        }
        XCTAssertNil(try source.next(), "stays at the end")

        // The decoded frame matches ffmpeg's own conversion of the same clip to RGB.
        let image = try FrameDecoder(sourceName: "clip.y4m").decode(frames[0]).rgb()
        let rawPath = directory.appendingPathComponent("frame0.rgb").path
        try Clips.run(["-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", rawPath])
        let reference = try Image(width: 320, height: 188, format: .rgb8, pixels: try Clips.bytes(rawPath))
        XCTAssertLessThan(meanAbsoluteDifference(image, reference), 2.5)
    }

    func testColourSpacesAndRange() throws {
        let cases: [(String, String, FramePayload, Double)] = [
            ("yuv422p", "422", .planarYUV(chromaWidth: 160, chromaHeight: 188, range: .limited), 2),
            ("yuv444p", "444", .planarYUV(chromaWidth: 320, chromaHeight: 188, range: .limited), 3),
            ("gray", "mono", .gray, 1),
            ("yuvj420p", "420jpeg", .planarYUV(chromaWidth: 160, chromaHeight: 94, range: .full), 1.5),
        ]
        for (pixelFormat, colorspace, payload, bytesPerPixel) in cases {
            let path = try Clips.make("\(pixelFormat).y4m", in: directory, format: "yuv4mpegpipe",
                                      pixelFormat: pixelFormat, seconds: 0.2, extra: ["-strict", "-1"])
            let source = try Y4MSource(path: path)
            XCTAssertEqual(source.header.colorspace, colorspace, pixelFormat)
            let frames = try Clips.drain(source)
            XCTAssertEqual(frames.count, 2, pixelFormat)
            XCTAssertEqual(frames.first?.payload, payload, pixelFormat)
            XCTAssertEqual(Double(frames.first?.bytes.count ?? 0), 320 * 188 * bytesPerPixel, pixelFormat)
            let yuv = try FrameDecoder(sourceName: path).decode(frames[0])
            XCTAssertEqual(yuv.width, 320)
            XCTAssertEqual(yuv.isGray, pixelFormat == "gray")
        }
    }

    func testTruncatedLastFrameIsSkippedAndTheStreamEnds() throws {
        let path = try Clips.make("clip.y4m", in: directory, format: "yuv4mpegpipe", pixelFormat: "yuv420p", seconds: 0.5)
        let bytes = try Clips.bytes(path)
        let frameMarkers = Clips.offsets(of: Array("FRAME\n".utf8), in: bytes)
        XCTAssertEqual(frameMarkers.count, 5)

        // Cut inside the last frame's payload.
        let cut = directory.appendingPathComponent("cut.y4m").path
        try Clips.write(Array(bytes[..<(frameMarkers[4] + 1000)]), to: cut)
        let log = SkipLog()
        let source = try Y4MSource(path: cut)
        source.skipHandler = log.handler
        XCTAssertEqual(try Clips.drain(source).count, 4)
        XCTAssertEqual(source.skippedFrames, 1)
        XCTAssertEqual(log.all.count, 1)
        XCTAssertTrue(log.all[0].contains("frame 4: truncated"), log.all[0])

        // Cut inside the FRAME header itself.
        try Clips.write(Array(bytes[..<(frameMarkers[3] + 3)]), to: cut)
        let second = try Y4MSource(path: cut)
        second.skipHandler = { _ in }
        XCTAssertEqual(try Clips.drain(second).count, 3)
        XCTAssertEqual(second.skippedFrames, 1)

        // Cut exactly at a frame boundary: nothing skipped.
        try Clips.write(Array(bytes[..<frameMarkers[2]]), to: cut)
        let third = try Y4MSource(path: cut)
        XCTAssertEqual(try Clips.drain(third).count, 2)
        XCTAssertEqual(third.skippedFrames, 0)
    }

    func testCutInsideTheHeaderIsAnError() throws {
        let path = try Clips.make("clip.y4m", in: directory, format: "yuv4mpegpipe", pixelFormat: "yuv420p", seconds: 0.2)
        let cut = directory.appendingPathComponent("header.y4m").path
        try Clips.write(Array(try Clips.bytes(path).prefix(20)), to: cut)
        XCTAssertThrowsError(try Y4MSource(path: cut)) { error in
            XCTAssertEqual("\(error)", "\(cut): bad header field signature: stream ends inside the header (no newline)")
        }
        try Clips.write([], to: cut)
        XCTAssertThrowsError(try Y4MSource(path: cut)) { error in
            XCTAssertEqual(error as? FileSourceError, .empty(name: cut))
        }
    }

    func testLostFrameMarkerIsAClearError() throws {
        let path = try Clips.make("clip.y4m", in: directory, format: "yuv4mpegpipe", pixelFormat: "yuv420p", seconds: 0.5)
        var bytes = try Clips.bytes(path)
        let markers = Clips.offsets(of: Array("FRAME\n".utf8), in: bytes)
        bytes.remove(at: markers[2] + 100)  // one byte lost in frame 2: frame 3's header is off by one
        let broken = directory.appendingPathComponent("broken.y4m").path
        try Clips.write(bytes, to: broken)
        let source = try Y4MSource(path: broken)
        XCTAssertEqual(try source.next()?.sequence, 0)
        XCTAssertEqual(try source.next()?.sequence, 1)
        XCTAssertEqual(try source.next()?.sequence, 2)
        XCTAssertThrowsError(try source.next()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("\(broken) frame 3: expected a FRAME header"), text)
            XCTAssertFalse(text.contains("\n"))
        }
        XCTAssertNil(try source.next(), "the stream is over after the error")
    }

    func testFrameHeaderParametersAreAccepted() throws {
        var stream = Array("YUV4MPEG2 W4 H2 F25:1 C420jpeg XCOLORRANGE=FULL\n".utf8)
        for i in 0..<3 {
            stream += Array("FRAME Ip XFOO=1\n".utf8) + [UInt8](repeating: UInt8(10 * i), count: 4 * 2 + 2 * 2)
        }
        let path = directory.appendingPathComponent("tiny.y4m").path
        try Clips.write(stream, to: path)
        let source = try Y4MSource(path: path)
        let frames = try Clips.drain(source)
        XCTAssertEqual(frames.map { $0.bytes.first }, [0, 10, 20])
        XCTAssertEqual(frames[2].presentationTime, 2.0 / 25, accuracy: 1e-9)
        XCTAssertEqual(frames[0].payload, .planarYUV(chromaWidth: 2, chromaHeight: 1, range: .full))
    }

    func testBadHeaderFieldsAreNamed() throws {
        let cases: [(String, String)] = [
            ("YUV4MPEG2 W0 H2 F25:1", "bad header field W: '0' is not a size"),
            ("YUV4MPEG2 W4 Hx F25:1", "bad header field H: 'x' is not a size"),
            ("YUV4MPEG2 W4 F25:1", "bad header field H: missing"),
            ("YUV4MPEG2 W4 H2 F25", "bad header field F: '25' is not a frame rate"),
            ("YUV4MPEG2 W4 H2 F25:1 C411", "bad header field C: colour space '411' is not supported"),
            ("YUV4MPEG2 W4 H2 F25:1 C420p10", "bad header field C: colour space '420p10' is not supported"),
            ("YUV4MPEG2 W4 H2 F25:1 Iz", "bad header field I: 'z' is not p, t, b, m or ?"),
            ("YUV4MPEG2 W4 H2 F25:1 A1", "bad header field A: '1' is not an aspect ratio"),
            ("YUV4MPEG2 W4 H2 F25:1 XCOLORRANGE=WIDE", "bad header field XCOLORRANGE: 'WIDE' is not FULL or LIMITED"),
            ("YUV4MPEG W4 H2", "bad header field signature: does not start with \"YUV4MPEG2 \""),
        ]
        let path = directory.appendingPathComponent("bad.y4m").path
        for (header, message) in cases {
            try Clips.write(Array((header + "\nFRAME\n").utf8) + [UInt8](repeating: 0, count: 12), to: path)
            XCTAssertThrowsError(try Y4MSource(path: path), header) { error in
                XCTAssertTrue("\(error)".hasPrefix("\(path): \(message)"), "\(header) → \(error)")
            }
        }
        // F0:0 means unknown: the fallback rate times the frames.
        try Clips.write(Array("YUV4MPEG2 W4 H2 F0:0 Cmono\nFRAME\n".utf8) + [UInt8](repeating: 0, count: 8)
                        + Array("FRAME\n".utf8) + [UInt8](repeating: 0, count: 8), to: path)
        let source = try Y4MSource(path: path, fallbackFrameRate: 5)
        XCTAssertNil(source.frameRate)
        XCTAssertEqual(try Clips.drain(source).last?.presentationTime ?? 0, 0.2, accuracy: 1e-9)
    }

    /// A real ffmpeg pipe (the `ffmpeg ... -f yuv4mpegpipe - | fer-live -` case), read through a descriptor.
    func testReadsFromAnFFmpegPipe() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Clips.requireFFmpeg())
        process.arguments = ["-nostdin", "-v", "error", "-loop", "1", "-i", Clips.fixture("two_people.jpg"),
                             "-t", "2", "-r", "15", "-vf", "scale=640:-2", "-pix_fmt", "yuv420p",
                             "-f", "yuv4mpegpipe", "-"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let source = try Y4MSource(fileDescriptor: pipe.fileHandleForReading.fileDescriptor, name: "stdin")
        let frames = try Clips.drain(source)
        process.waitUntilExit()
        XCTAssertEqual(frames.count, 30)
        XCTAssertEqual(source.skippedFrames, 0)
        XCTAssertTrue(frames.allSatisfy { $0.width == 640 && $0.height == 376 && $0.bytes.count == 640 * 376 * 3 / 2 })
    }

    /// Short reads: the stream arrives in 1000-byte pieces from another thread.
    func testReadsAPipeWrittenInSmallChunks() throws {
        let path = try Clips.make("clip.y4m", in: directory, format: "yuv4mpegpipe", pixelFormat: "yuv420p")
        let bytes = try Clips.bytes(path)
        let pipe = Clips.pipe(bytes, chunk: 1000)
        let source = try Y4MSource(fileDescriptor: pipe.fileHandleForReading.fileDescriptor, name: "stdin")
        let piped = try Clips.drain(source)
        let direct = try Clips.drain(try Y4MSource(path: path))
        XCTAssertEqual(piped.count, 10)
        XCTAssertEqual(piped.map(\.bytes), direct.map(\.bytes))
    }

    func testCancelUnblocksAReaderWaitingOnAPipe() throws {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data("YUV4MPEG2 W4 H2 F25:1 Cmono\nFRAME\n".utf8) + Data(count: 8))
        let source = try Y4MSource(fileDescriptor: pipe.fileHandleForReading.fileDescriptor, name: "stdin")
        XCTAssertNotNil(try source.next())
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { source.cancel() }
        let start = MonotonicClock.now
        XCTAssertNil(try source.next(), "cancelled while waiting for the next frame")
        let waited = MonotonicClock.now - start
        XCTAssertGreaterThan(waited, 0.1)
        XCTAssertLessThan(waited, 2)
        XCTAssertEqual(source.skippedFrames, 0, "a cancelled read is not a skipped frame")
        try? pipe.fileHandleForWriting.close()
    }

    private func meanAbsoluteDifference(_ a: Image, _ b: Image) -> Double {
        var total = 0
        for i in 0..<a.pixels.count { total += abs(Int(a.pixels[i]) - Int(b.pixels[i])) }
        return Double(total) / Double(a.pixels.count)
    }
}

/// Collects states reported to a state handler (thread-safe).
final class StateLog: @unchecked Sendable {
    private let lock = NSLock()
    private var states = [SourceState]()

    var all: [SourceState] {
        lock.lock(); defer { lock.unlock() }
        return states
    }

    var handler: @Sendable (SourceState) -> Void {
        { [self] state in
            lock.lock()
            states.append(state)
            lock.unlock()
        }
    }
}
