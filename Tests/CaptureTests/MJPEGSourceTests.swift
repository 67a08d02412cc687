import CTurboJPEG
import Capture
import Foundation
import Imaging
import TestSupport
import XCTest

final class MJPEGSourceTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestPaths.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func clip(seconds: Double = 1) throws -> (path: String, bytes: [UInt8], starts: [Int]) {
        let path = try Clips.make("clip.mjpeg", in: directory, format: "mjpeg", seconds: seconds,
                                  extra: ["-q:v", "5"])
        let bytes = try Clips.bytes(path)
        return (path, bytes, Clips.jpegStarts(bytes))
    }

    private func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Clips.write(bytes, to: path)
        return path
    }

    func testSplitsAnFFmpegStream() throws {
        let (path, bytes, starts) = try clip()
        XCTAssertEqual(starts.count, 10)
        let source = try MJPEGSource(path: path, frameRate: 10)
        XCTAssertEqual(source.frameRate, 10)
        XCTAssertFalse(source.isLive)
        let states = StateLog()
        source.stateHandler = states.handler
        let frames = try Clips.drain(source)
        XCTAssertEqual(frames.count, 10)
        XCTAssertEqual(source.skippedFrames, 0)
        XCTAssertEqual(states.all, [.streaming(mode: "320x188 mjpeg 10 fps"), .ended])
        let decoder = try FrameDecoder(sourceName: "clip.mjpeg")
        for (i, frame) in frames.enumerated() {
            XCTAssertEqual(frame.sequence, i)
            XCTAssertEqual(frame.presentationTime, Double(i) / 10, accuracy: 1e-9)
            XCTAssertEqual(frame.payload, .jpeg)
            XCTAssertEqual(frame.width, 320)
            XCTAssertEqual(frame.height, 188)
            let end = i + 1 < starts.count ? starts[i + 1] : bytes.count
            XCTAssertEqual(frame.bytes, Array(bytes[starts[i]..<end]), "frame \(i) is exactly one JPEG")
            let yuv = try decoder.decode(frame)
            XCTAssertEqual(yuv.width, 320)
            XCTAssertEqual(yuv.height, 188)
        }
        // Default rate when none is given.
        XCTAssertEqual(try MJPEGSource(path: path).frameRate, 30)
        XCTAssertThrowsError(try MJPEGSource(path: path, frameRate: 0))
    }

    func testGarbageBetweenFramesIsSkippedAndCounted() throws {
        let (_, bytes, starts) = try clip()
        var damaged = Array(bytes[..<starts[3]])
        damaged += [UInt8](repeating: 0x42, count: 100) + [0xFF, 0x00, 0xFF]  // no SOI in here
        damaged += Array(bytes[starts[3]...])
        damaged = [0x00, 0x01, 0x02] + damaged  // garbage before the first frame too
        let log = SkipLog()
        let source = try MJPEGSource(path: try write(damaged, "garbage.mjpeg"))
        source.skipHandler = log.handler
        let frames = try Clips.drain(source)
        XCTAssertEqual(frames.count, 10)
        XCTAssertEqual(source.skippedFrames, 2)
        XCTAssertEqual(log.all.count, 2)
        XCTAssertTrue(log.all[1].contains("skipped 103 bytes that are not a JPEG"), log.all[1])
        XCTAssertEqual(frames.map(\.sequence), Array(0..<10), "garbage does not take a frame number")
    }

    func testTruncatedLastFrameIsSkippedAndCounted() throws {
        let (_, bytes, starts) = try clip()
        let cut = Array(bytes[..<(starts[9] + (bytes.count - starts[9]) / 2)])
        let source = try MJPEGSource(path: try write(cut, "cut.mjpeg"))
        let log = SkipLog()
        source.skipHandler = log.handler
        XCTAssertEqual(try Clips.drain(source).count, 9)
        XCTAssertEqual(source.skippedFrames, 1)
        XCTAssertTrue(log.all.first?.contains("frame 9: truncated JPEG") ?? false, "\(log.all)")

        // A frame cut short and followed by a whole one: the cut frame is dropped, the next one kept.
        let spliced = Array(bytes[..<(starts[4] + 500)]) + Array(bytes[starts[5]...])
        let second = try MJPEGSource(path: try write(spliced, "spliced.mjpeg"))
        second.skipHandler = { _ in }
        let frames = try Clips.drain(second)
        XCTAssertEqual(frames.count, 9)
        XCTAssertEqual(second.skippedFrames, 1)
        XCTAssertEqual(frames.last?.bytes, Array(bytes[starts[9]...]))
    }

    func testDamagedFramesAreSkippedAndOthersKept() throws {
        let (_, bytes, starts) = try clip()
        var damaged = bytes
        // Frame 2: its first segment marker (FF E0 / FF DB) destroyed → not a JPEG header.
        damaged[starts[2] + 2] = 0x00
        // Frame 6: zeros written into the middle of its entropy-coded data → still one frame (decodes with a warning).
        let middle = starts[6] + (starts[7] - starts[6]) * 2 / 3
        for i in middle..<(middle + 64) { damaged[i] = 0x00 }
        let source = try MJPEGSource(path: try write(damaged, "damaged.mjpeg"))
        let log = SkipLog()
        source.skipHandler = log.handler
        let frames = try Clips.drain(source)
        XCTAssertEqual(frames.count, 9)
        XCTAssertEqual(source.skippedFrames, 1)
        XCTAssertTrue(log.all.first?.contains("frame 2: damaged JPEG skipped") ?? false, "\(log.all)")
        XCTAssertEqual(frames.map(\.sequence), [0, 1, 3, 4, 5, 6, 7, 8, 9])
        let decoder = try FrameDecoder(sourceName: "damaged.mjpeg")
        let frame6 = try XCTUnwrap(frames.first { $0.sequence == 6 })
        XCTAssertEqual(try decoder.decode(frame6).width, 320)
    }

    /// An APP1 (EXIF) segment holding a whole thumbnail JPEG, SOI to EOI, must not end the frame early.
    func testEXIFThumbnailDoesNotSplitTheFrame() throws {
        let thumbnail = try JPEGEncoder.encode(try Image(width: 16, height: 16, format: .rgb8, color: RGB(r: 200, g: 10, b: 10)))
        let main = try JPEGEncoder.encode(try Image(width: 64, height: 48, format: .rgb8, color: RGB(r: 10, g: 200, b: 10)))
        let payload = Array("Exif\0\0".utf8) + thumbnail
        let length = payload.count + 2
        let app1 = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
        let frame = Array(main[..<2]) + app1 + Array(main[2...])
        let source = try MJPEGSource(path: try write(frame + frame + frame, "exif.mjpeg"))
        let frames = try Clips.drain(source)
        XCTAssertEqual(frames.count, 3)
        XCTAssertEqual(source.skippedFrames, 0)
        XCTAssertTrue(frames.allSatisfy { $0.bytes == frame && $0.width == 64 && $0.height == 48 })
        let rgb = try FrameDecoder(sourceName: "exif").decode(frames[0]).rgb()
        XCTAssertGreaterThan(rgb.pixel(x: 30, y: 20).g, 150, "the main image, not the thumbnail")
    }

    /// Progressive JPEGs have several scans with DHT segments between them: the frame ends only at EOI.
    func testProgressiveJPEGsAreWholeFrames() throws {
        let image = try ImageCodec.decode(fileAt: Clips.fixture("two_people.jpg"), as: .rgb8).resized(width: 200, height: 118)
        let handle = try XCTUnwrap(tjInitCompress())
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = image.withUnsafePixels {
            tjCompress2(handle, $0.baseAddress, 200, 0, 118, Int32(TJPF_RGB.rawValue), &output, &size,
                        Int32(TJSAMP_420.rawValue), 80, 16384 /* TJFLAG_PROGRESSIVE */)
        }
        XCTAssertEqual(status, 0)
        let jpeg = Array(UnsafeBufferPointer(start: try XCTUnwrap(output), count: Int(size)))
        tjFree(output)
        XCTAssertGreaterThan(Clips.offsets(of: [0xFF, 0xDA], in: jpeg).count, 1, "several scans")
        let frames = try Clips.drain(try MJPEGSource(path: try write(jpeg + jpeg, "progressive.mjpeg")))
        XCTAssertEqual(frames.map(\.bytes), [jpeg, jpeg])
        XCTAssertEqual(frames.first?.width, 200)
    }

    func testReadsAPipeWrittenInSmallChunks() throws {
        let (path, bytes, _) = try clip()
        let pipe = Clips.pipe(bytes, chunk: 777)
        let source = try MJPEGSource(fileDescriptor: pipe.fileHandleForReading.fileDescriptor, name: "stdin")
        let piped = try Clips.drain(source)
        XCTAssertEqual(piped.map(\.bytes), try Clips.drain(try MJPEGSource(path: path)).map(\.bytes))
        XCTAssertEqual(source.skippedFrames, 0)
    }

    func testCancelUnblocksAReaderWaitingOnAPipe() throws {
        let (_, bytes, starts) = try clip(seconds: 0.2)
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data(bytes[..<(starts[1] + 100)]))
        let source = try MJPEGSource(fileDescriptor: pipe.fileHandleForReading.fileDescriptor, name: "stdin")
        XCTAssertNotNil(try source.next())
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { source.cancel() }
        let start = MonotonicClock.now
        XCTAssertNil(try source.next())
        XCTAssertLessThan(MonotonicClock.now - start, 2)
        XCTAssertEqual(source.skippedFrames, 0, "a cancelled read is not a skipped frame")
        try? pipe.fileHandleForWriting.close()
    }

    /// The shipped demo clip (Models/demo) splits into its 105 frames and decodes at 640x360.
    func testShippedDemoClip() throws {
        let path = TestPaths.models.appendingPathComponent("demo/pedestrians.mjpeg").path
        let source = try FileSourceOpener.open(path, frameRate: 25)
        XCTAssertTrue(source is MJPEGSource)
        let decoder = try FrameDecoder(sourceName: path)
        var count = 0
        while let frame = try source.next() {
            let yuv = try decoder.decode(frame)
            XCTAssertEqual(yuv.width, 640)
            XCTAssertEqual(yuv.height, 360)
            XCTAssertEqual(yuv.chromaWidth, 320)
            XCTAssertNil(decoder.lastWarning)
            count += 1
        }
        XCTAssertEqual(count, 105)
        XCTAssertEqual(source.skippedFrames, 0)
    }

    /// The real 1080p clip (../shared) converted to MJPEG: all 105 frames come out and decode to 1920x1080.
    func testPedestrianClipAt1080p() throws {
        guard let video = TestPaths.shared("media/pedestrians_1080p.mp4") else {
            throw XCTSkip(TestPaths.skipMessage("media/pedestrians_1080p.mp4"))
        }
        let path = directory.appendingPathComponent("pedestrians.mjpeg").path
        try Clips.run(["-i", video.path, "-q:v", "5", "-f", "mjpeg", path])
        let source = try MJPEGSource(path: path, frameRate: 25)
        let decoder = try FrameDecoder(sourceName: "pedestrians.mjpeg")
        var count = 0
        while let frame = try source.next() {
            XCTAssertEqual(frame.width, 1920)
            let yuv = try decoder.decode(frame)
            XCTAssertEqual(yuv.width, 1920)
            XCTAssertEqual(yuv.height, 1080)
            XCTAssertNil(decoder.lastWarning)
            count += 1
        }
        XCTAssertEqual(count, 105)
        XCTAssertEqual(source.skippedFrames, 0)
    }
}
