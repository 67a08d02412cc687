import Capture
import Foundation
import Imaging
import V4L2Emulation
import XCTest

/// mmap streaming against the emulated device: frames, buffer cycling, faults, unplug and replug, cancel.
final class V4L2StreamingTests: XCTestCase {
    func testStreamsMJPEGFramesAndCyclesAllBuffers() throws {
        let (system, camera) = V4L2Fixtures.webcamSystem()
        let recorder = StateRecorder()
        let source = try CameraSource(path: V4L2Fixtures.byIDPath, system: system)
        source.stateHandler = recorder.handler
        XCTAssertEqual(source.mode?.description, "1280x720 mjpeg 30 fps")
        XCTAssertEqual(source.frameRate, 30)
        XCTAssertTrue(source.isLive)
        XCTAssertEqual(source.name, V4L2Fixtures.byIDPath)
        XCTAssertEqual(system.mappingCount, 4)

        let frames = try frames(from: source, count: 12)
        XCTAssertEqual(frames.map(\.sequence), Array(0..<12))
        var lastCapture = 0.0, lastPresentation = -1.0
        for frame in frames {
            XCTAssertEqual(frame.payload, .jpeg)
            XCTAssertEqual(frame.width, 1280)
            XCTAssertEqual(frame.height, 720)
            XCTAssertEqual(Array(frame.bytes.prefix(2)), [0xFF, 0xD8])
            XCTAssertGreaterThanOrEqual(frame.captureTime, lastCapture)
            XCTAssertGreaterThanOrEqual(frame.presentationTime, lastPresentation)
            lastCapture = frame.captureTime
            lastPresentation = frame.presentationTime
        }
        XCTAssertEqual(frames[0].presentationTime, 0)
        // The frames are the fixture photos, alternating (bytesused, not the whole buffer, is delivered).
        let decoded = try ImageCodec.decode(data: frames[1].bytes, as: .rgb8)
        XCTAssertEqual(decoded.width, 1280)
        XCTAssertEqual(decoded.height, 720)
        XCTAssertNotEqual(frames[0].bytes, frames[1].bytes)
        XCTAssertEqual(frames[0].bytes, frames[2].bytes)

        let statistics = camera.statistics
        XCTAssertEqual(statistics.dequeuesPerBuffer.count, 4, "four buffers requested")
        XCTAssertTrue(statistics.dequeuesPerBuffer.allSatisfy { $0 == 3 }, "every buffer cycles: \(statistics.dequeuesPerBuffer)")
        XCTAssertEqual(statistics.maximumBuffersHeld, 1, "each buffer is re-queued before the next is taken")
        XCTAssertEqual(recorder.states, [.streaming(mode: "1280x720 mjpeg 30 fps")])

        source.cancel()
        XCTAssertNil(try source.next())
        XCTAssertEqual(recorder.states.last, .ended)
        XCTAssertEqual(system.openDescriptorCount, 0)
        XCTAssertEqual(system.mappingCount, 0)
        XCTAssertFalse(camera.isStreaming)
        XCTAssertNil(try source.next(), "stays ended")
    }

    func testYUYVFramesArePackedLimitedRange() throws {
        let red = try Image(width: 64, height: 48, format: .rgb8, color: RGB(r: 200, g: 100, b: 50))
        // The driver pads each line by 32 bytes; capture must deliver packed rows.
        let (system, _) = V4L2Fixtures.webcamSystem(
            formats: [EmulatedFormat(format: "yuyv", sizes: [EmulatedSize(width: 640, height: 480, fps: [30])])],
            linePadding: 32, pictures: [red])
        let source = try CameraSource(path: "/dev/video0", system: system)
        XCTAssertEqual(source.mode?.description, "640x480 yuyv 30 fps")
        let frame = try XCTUnwrap(try source.next())
        XCTAssertEqual(frame.payload, .yuyv(range: .limited))
        XCTAssertEqual(frame.bytes.count, 640 * 480 * 2)
        // BT.601 limited range of RGB(200, 100, 50).
        let y = 16 + (65.481 * 200 + 128.553 * 100 + 24.966 * 50) / 255
        let cb = 128 + (-37.797 * 200 - 74.203 * 100 + 112.0 * 50) / 255
        let cr = 128 + (112.0 * 200 - 93.786 * 100 - 18.214 * 50) / 255
        for offset in [0, 640 * 2 * 240 + 320 * 2, frame.bytes.count - 4] {
            XCTAssertEqual(Double(frame.bytes[offset]), y, accuracy: 1)
            XCTAssertEqual(Double(frame.bytes[offset + 1]), cb, accuracy: 1)
            XCTAssertEqual(Double(frame.bytes[offset + 2]), y, accuracy: 1)
            XCTAssertEqual(Double(frame.bytes[offset + 3]), cr, accuracy: 1)
        }
        XCTAssertFalse(frame.bytes.contains(0xA5), "padding bytes must not leak into the frame")
    }

    func testGreyFrames() throws {
        let (system, _) = V4L2Fixtures.webcamSystem(
            formats: [EmulatedFormat(format: "grey", sizes: [EmulatedSize(width: 340, height: 340, fps: [30])])])
        let source = try CameraSource(path: "/dev/video0", system: system)
        let frame = try XCTUnwrap(try source.next())
        XCTAssertEqual(frame.payload, .gray)
        XCTAssertEqual(frame.bytes.count, 340 * 340)
    }

    func testManualClockDropsFramesWhenNoBufferIsQueued() throws {
        let (system, camera) = V4L2Fixtures.webcamSystem(clock: .manual)
        let source = try CameraSource(path: "/dev/video0", system: system,
                                      reconnect: CameraSource.ReconnectPolicy(frameTimeout: 30))
        camera.emitFrames(3)
        XCTAssertEqual(try frames(from: source, count: 3).map(\.sequence), [0, 1, 2])
        // Six frames while the application is away: four buffers fill, two frames are dropped.
        camera.emitFrames(6)
        XCTAssertEqual(try frames(from: source, count: 4).map(\.sequence), [3, 4, 5, 6])
        camera.emitFrames(1)
        XCTAssertEqual(try source.next()?.sequence, 9, "the gap shows the two dropped frames")
        XCTAssertEqual(camera.statistics.framesDropped, 2)
        XCTAssertEqual(camera.statistics.framesDequeued, 8)
    }

    func testSpuriousEAGAINIsRetried() throws {
        let (system, camera) = V4L2Fixtures.webcamSystem()
        camera.inject(.wouldBlock(count: 3), atFrame: 2)
        let source = try CameraSource(path: "/dev/video0", system: system)
        let frames = try frames(from: source, count: 6)
        XCTAssertEqual(frames.map(\.sequence), Array(0..<6))
        XCTAssertEqual(source.skippedFrames, 0)
        XCTAssertEqual(source.reconnectionCount, 0)
        XCTAssertEqual(camera.statistics.streamOnCount, 1)
    }

    func testCorruptMJPEGFrameIsDeliveredAndCaptureGoesOn() throws {
        let (system, camera) = V4L2Fixtures.webcamSystem()
        camera.inject(.corruptFrame, atFrame: 3)
        let source = try CameraSource(path: "/dev/video0", system: system)
        let frames = try frames(from: source, count: 6)
        XCTAssertEqual(frames.map(\.sequence), Array(0..<6))
        XCTAssertEqual(Array(frames[3].bytes.prefix(2)), [0xFF, 0xD8])
        XCTAssertThrowsError(try ImageCodec.decode(data: frames[3].bytes, as: .rgb8), "the decoder rejects it")
        XCTAssertNoThrow(try ImageCodec.decode(data: frames[4].bytes, as: .rgb8))
        XCTAssertEqual(source.reconnectionCount, 0)
    }

    func testBufferFlaggedAsErrorIsSkippedAndCounted() throws {
        let (system, camera) = V4L2Fixtures.webcamSystem()
        camera.inject(.errorFlag, atFrame: 2)
        let source = try CameraSource(path: "/dev/video0", system: system)
        let frames = try frames(from: source, count: 4)
        XCTAssertEqual(frames.map(\.sequence), [0, 1, 3, 4], "the gap shows the lost frame")
        XCTAssertEqual(source.skippedFrames, 1)
        XCTAssertEqual(camera.statistics.maximumBuffersHeld, 1, "the skipped buffer was re-queued too")
    }

    func testStallTimesOutAndReconnects() throws {
        let (system, camera) = V4L2Fixtures.webcamSystem()
        camera.inject(.stall, atFrame: 3)
        let recorder = StateRecorder()
        let log = LogRecorder()
        var policy = V4L2Fixtures.quickReconnect
        policy.frameTimeout = 0.3
        let source = try CameraSource(path: "/dev/video0", system: system, logger: log.logger(), reconnect: policy)
        source.stateHandler = recorder.handler
        let start = MonotonicClock.now
        let frames = try frames(from: source, count: 6)
        XCTAssertGreaterThanOrEqual(MonotonicClock.now - start, 0.3)
        XCTAssertEqual(frames.map(\.sequence), Array(0..<6))
        XCTAssertEqual(recorder.states, [
            .streaming(mode: "1280x720 mjpeg 30 fps"),
            .waiting(reason: "waiting for /dev/video0: no frame for 0.3 s"),
            .streaming(mode: "1280x720 mjpeg 30 fps"),
        ])
        XCTAssertEqual(camera.statistics.streamOnCount, 2)
        XCTAssertEqual(camera.statistics.openCount, 2)
        XCTAssertEqual(source.reconnectionCount, 1)
        XCTAssertEqual(system.openDescriptorCount, 1, "the stalled descriptor was closed")
        XCTAssertEqual(system.mappingCount, 4)
        XCTAssertTrue(log.records.contains { $0.level == .warning && $0.message.contains("camera lost") })
    }

    func testUnplugMidStreamThenReplugAsAnotherNode() throws {
        let (system, camera) = V4L2Fixtures.webcamSystem()
        let log = LogRecorder()
        camera.inject(.unplug, atFrame: 5)
        let snapshots = Snapshots()
        let recorder = StateRecorder { state in
            guard case .waiting = state else { return }
            // Reported only after the teardown: nothing may be left open or mapped.
            snapshots.record(descriptors: system.openDescriptorCount, mappings: system.mappingCount)
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { camera.replug(at: "/dev/video4") }
        }
        let source = try CameraSource(path: V4L2Fixtures.byIDPath, system: system, logger: log.logger(),
                                      reconnect: V4L2Fixtures.quickReconnect)
        source.stateHandler = recorder.handler
        let frames = try frames(from: source, count: 9)

        XCTAssertEqual(frames.map(\.sequence), Array(0..<9), "sequence numbers continue across the replug")
        XCTAssertTrue(zip(frames, frames.dropFirst()).allSatisfy { $0.presentationTime <= $1.presentationTime })
        XCTAssertGreaterThanOrEqual(frames[5].presentationTime - frames[4].presentationTime, 0.15)
        XCTAssertEqual(snapshots.values.first?.descriptors, 0)
        XCTAssertEqual(snapshots.values.first?.mappings, 0)
        XCTAssertEqual(recorder.states.first, .streaming(mode: "1280x720 mjpeg 30 fps"))
        XCTAssertEqual(recorder.states[1], .waiting(reason: "waiting for \(V4L2Fixtures.byIDPath): no such device"))
        XCTAssertEqual(recorder.states.last, .streaming(mode: "1280x720 mjpeg 30 fps"))
        XCTAssertEqual(source.reconnectionCount, 1)
        XCTAssertEqual(camera.path, "/dev/video4")
        XCTAssertNil(system.device(at: "/dev/video0"))

        let lost = try XCTUnwrap(log.records.first { $0.message.contains("camera lost") })
        XCTAssertEqual(lost.level, .warning)
        XCTAssertEqual(lost.metadata["camera.path"]?.description, V4L2Fixtures.byIDPath)
        XCTAssertEqual(lost.metadata["camera.errno"]?.description, "ENODEV")
        let back = try XCTUnwrap(log.records.first { $0.message.contains("resumed") })
        XCTAssertEqual(back.metadata["camera.device"]?.description, "/dev/video4")

        source.cancel()
        XCTAssertNil(try source.next())
        XCTAssertEqual(system.openDescriptorCount, 0)
        XCTAssertEqual(system.mappingCount, 0)
    }

    func testCancelUnblocksNextPromptly() throws {
        let (system, camera) = V4L2Fixtures.webcamSystem()
        let source = try CameraSource(path: "/dev/video0", system: system,
                                      reconnect: CameraSource.ReconnectPolicy(frameTimeout: 30))
        _ = try source.next()
        camera.inject(.stall)
        let finished = expectation(description: "next() returned")
        let result = ResultBox()
        Thread.detachNewThread {
            let value = try? source.next()
            result.set(value == nil, at: MonotonicClock.now)
            finished.fulfill()
        }
        Thread.sleep(forTimeInterval: 0.2)
        let cancelled = MonotonicClock.now
        source.cancel()
        wait(for: [finished], timeout: 2)
        let (returnedNil, when) = result.get()
        XCTAssertTrue(returnedNil)
        XCTAssertLessThan(when - cancelled, 0.1, "next() must return within 100 ms of cancel()")
        XCTAssertEqual(system.openDescriptorCount, 0)
    }

    func testCancelDuringBackoff() throws {
        let (system, camera) = V4L2Fixtures.webcamSystem()
        let source = try CameraSource(path: "/dev/video0", system: system,
                                      reconnect: CameraSource.ReconnectPolicy(initialDelay: 5, maximumDelay: 5))
        _ = try source.next()
        camera.unplug()
        let finished = expectation(description: "next() returned")
        Thread.detachNewThread {
            _ = try? source.next()
            finished.fulfill()
        }
        Thread.sleep(forTimeInterval: 0.2)
        source.cancel()
        wait(for: [finished], timeout: 0.5)
    }

    func testReconnectBacksOffAndReResolvesTheLinkEachAttempt() throws {
        let (emulator, camera) = V4L2Fixtures.webcamSystem()
        let system = CountingSystem(emulator)
        let log = LogRecorder()
        let policy = CameraSource.ReconnectPolicy(initialDelay: 0.05, maximumDelay: 0.2, frameTimeout: 1)
        let source = try CameraSource(path: V4L2Fixtures.byIDPath, system: system, logger: log.logger(), reconnect: policy)
        _ = try source.next()
        camera.unplug()
        DispatchQueue.global().asyncAfter(deadline: .now() + 1.0) { camera.replug(at: "/dev/video2") }
        let lostAt = MonotonicClock.now
        let frame = try XCTUnwrap(try source.next())
        XCTAssertEqual(frame.sequence, 1)
        let attempts = system.resolutions.filter { $0 > lostAt }
        let gaps = zip(attempts, attempts.dropFirst()).map { $1 - $0 }
        // 0.05 s, then 0.05, 0.1, 0.2, 0.2, ... : doubling up to the maximum, never faster.
        XCTAssertGreaterThanOrEqual(attempts.count, 4)
        XCTAssertLessThanOrEqual(attempts.count, 9)
        for (index, gap) in gaps.enumerated() {
            XCTAssertGreaterThanOrEqual(gap, min(0.05 * pow(2, Double(index)), 0.2) - 0.01, "gap \(index): \(gaps)")
        }
        // Retries while nothing changes are logged once as a warning, then at debug level.
        XCTAssertEqual(log.records.filter { $0.message.contains("not available yet") }.count, 0,
                       "the reason did not change after the loss: no repeated warnings")
        XCTAssertGreaterThanOrEqual(log.records.filter { $0.level == .debug && $0.message.contains("still not available") }.count, 2)
    }

    func testMissingDeviceAtStart() throws {
        let (system, camera) = V4L2Fixtures.webcamSystem()
        camera.unplug()
        XCTAssertThrowsError(try CameraSource(path: V4L2Fixtures.byIDPath, system: system)) {
            XCTAssertEqual($0 as? CaptureError, .deviceNotFound(path: V4L2Fixtures.byIDPath))
        }
        var policy = V4L2Fixtures.quickReconnect
        policy.waitForDevice = true
        let recorder = StateRecorder()
        let source = try CameraSource(path: V4L2Fixtures.byIDPath, system: system, reconnect: policy)
        source.stateHandler = recorder.handler
        XCTAssertNil(source.mode)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { camera.replug() }
        let frame = try XCTUnwrap(try source.next())
        XCTAssertEqual(frame.sequence, 0)
        XCTAssertEqual(recorder.states, [
            .waiting(reason: "waiting for \(V4L2Fixtures.byIDPath): no such device"),
            .streaming(mode: "1280x720 mjpeg 30 fps"),
        ])
        // A device that is present but invalid still fails at once, even when waiting is allowed.
        system.addFile("/dev/video7", kind: .regularFile)
        XCTAssertThrowsError(try CameraSource(path: "/dev/video7", system: system, reconnect: policy)) {
            XCTAssertEqual($0 as? CaptureError, .notCharacterDevice(path: "/dev/video7", kind: .regularFile))
        }
    }

    func testRealTimeClockPacesFramesAndStampsThem() throws {
        let (system, camera) = V4L2Fixtures.webcamSystem(
            clock: .realtime,
            formats: [EmulatedFormat(format: "mjpeg", sizes: [EmulatedSize(width: 320, height: 240, fps: [30])])])
        let source = try CameraSource(path: "/dev/video0", system: system)
        let start = MonotonicClock.now
        let frames = try frames(from: source, count: 10)
        let elapsed = MonotonicClock.now - start
        XCTAssertGreaterThan(elapsed, 9 / 30.0 - 0.01)
        // Presentation times come from the buffers' monotonic timestamps, 1/30 s apart.
        let span = frames[9].presentationTime - frames[0].presentationTime
        XCTAssertEqual(span / Double(frames[9].sequence - frames[0].sequence), 1 / 30.0, accuracy: 0.002)
        XCTAssertGreaterThanOrEqual(camera.statistics.framesProduced, 10)
    }
}

/// Thread-safe holders for values a test's callbacks record.
private final class Snapshots: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [(descriptors: Int, mappings: Int)] = []
    var values: [(descriptors: Int, mappings: Int)] { lock.lock(); defer { lock.unlock() }; return stored }
    func record(descriptors: Int, mappings: Int) { lock.lock(); stored.append((descriptors, mappings)); lock.unlock() }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value = (false, 0.0)
    func set(_ returnedNil: Bool, at time: Double) { lock.lock(); value = (returnedNil, time); lock.unlock() }
    func get() -> (Bool, Double) { lock.lock(); defer { lock.unlock() }; return value }
}

/// Wraps a system and records when each by-id resolution (one per connection attempt) happened.
private final class CountingSystem: V4L2System, @unchecked Sendable {
    private let base: EmulatedV4L2System
    private let lock = NSLock()
    private var times: [Double] = []

    init(_ base: EmulatedV4L2System) { self.base = base }

    var resolutions: [Double] { lock.lock(); defer { lock.unlock() }; return times }

    func fileKind(at path: String) throws(Errno) -> FileKind { try base.fileKind(at: path) }
    func open(_ path: String) throws(Errno) -> Int32 { try base.open(path) }
    func close(_ fd: Int32) throws(Errno) { try base.close(fd) }
    func ioctl(_ fd: Int32, _ request: UInt, _ argument: UnsafeMutableRawPointer) throws(Errno) {
        try base.ioctl(fd, request, argument)
    }
    func mmap(_ fd: Int32, length: Int, offset: Int) throws(Errno) -> UnsafeMutableRawPointer {
        try base.mmap(fd, length: length, offset: offset)
    }
    func munmap(_ address: UnsafeMutableRawPointer, length: Int) throws(Errno) { try base.munmap(address, length: length) }
    func poll(_ fd: Int32, timeoutMilliseconds: Int) throws(Errno) -> PollEvents {
        try base.poll(fd, timeoutMilliseconds: timeoutMilliseconds)
    }
    func contentsOfDirectory(_ path: String) throws(Errno) -> [String] { try base.contentsOfDirectory(path) }
    func resolvingSymlinks(_ path: String) throws(Errno) -> String {
        lock.lock(); times.append(MonotonicClock.now); lock.unlock()
        return try base.resolvingSymlinks(path)
    }
}
