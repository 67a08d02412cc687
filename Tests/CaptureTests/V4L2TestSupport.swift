import Capture
import Foundation
import Imaging
import Logging
import TestSupport
import V4L2Emulation
import XCTest

/// Log records captured from a `Logger` for assertions.
final class LogRecorder: @unchecked Sendable {
    struct Record {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let lock = NSLock()
    private var stored: [Record] = []

    var records: [Record] {
        lock.lock(); defer { lock.unlock() }
        return stored
    }

    func append(_ record: Record) {
        lock.lock(); stored.append(record); lock.unlock()
    }

    /// A logger at debug level that writes here.
    func logger(label: String = "test.capture") -> Logger {
        var logger = Logger(label: label) { _ in RecordingHandler(recorder: self) }
        logger.logLevel = .debug
        return logger
    }

    private struct RecordingHandler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.append(Record(level: event.level, message: event.message.description,
                                   metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
        }
    }
}

/// Records the states a source reports, and lets a test react to them.
final class StateRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [SourceState] = []
    private let reaction: (@Sendable (SourceState) -> Void)?

    init(reaction: (@Sendable (SourceState) -> Void)? = nil) {
        self.reaction = reaction
    }

    var states: [SourceState] {
        lock.lock(); defer { lock.unlock() }
        return stored
    }

    var handler: @Sendable (SourceState) -> Void {
        { state in
            self.lock.lock(); self.stored.append(state); self.lock.unlock()
            self.reaction?(state)
        }
    }
}

enum V4L2Fixtures {
    /// Two fixture photos, reduced (frames are resized to the mode anyway).
    static let pictures: [Image] = {
        ["two_people.jpg", "kit_with_rose.jpg"].compactMap { name in
            guard let image = try? ImageCodec.decode(fileAt: TestPaths.fixtures.appendingPathComponent(name).path,
                                                      as: .rgb8) else { return nil }
            return image.resized(width: 320, height: max(1, image.height * 320 / image.width))
        }
    }()

    /// A UVC-style camera: capture node /dev/video0 and metadata node /dev/video1, both with by-id links.
    static func webcamSystem(clock: EmulatedDeviceConfiguration.Clock = .onDemand,
                             formats: [EmulatedFormat] = EmulatedFormat.typicalWebcam,
                             linePadding: Int = 0,
                             pictures: [Image] = V4L2Fixtures.pictures) -> (EmulatedV4L2System, EmulatedDevice) {
        let system = EmulatedV4L2System()
        let camera = system.addDevice(
            EmulatedDeviceConfiguration(path: "/dev/video0", byID: "usb-Acme_HD_Webcam_C123-video-index0",
                                        card: "Acme HD Webcam C123", formats: formats, linePadding: linePadding,
                                        clock: clock),
            pictures: pictures)
        system.addDevice(EmulatedDeviceConfiguration(
            path: "/dev/video1", byID: "usb-Acme_HD_Webcam_C123-video-index1", card: "Acme HD Webcam C123",
            kind: .metadata, formats: []))
        return (system, camera)
    }

    static let byIDPath = "/dev/v4l/by-id/usb-Acme_HD_Webcam_C123-video-index0"

    /// Fast retries for tests.
    static let quickReconnect = CameraSource.ReconnectPolicy(initialDelay: 0.02, maximumDelay: 0.1, frameTimeout: 0.5)
}

extension XCTestCase {
    /// Reads `count` frames, failing the test if the source ends early.
    func frames(from source: CameraSource, count: Int, file: StaticString = #filePath, line: UInt = #line) throws -> [CapturedFrame] {
        var frames: [CapturedFrame] = []
        while frames.count < count {
            guard let frame = try source.next() else {
                XCTFail("source ended after \(frames.count) frames", file: file, line: line)
                break
            }
            frames.append(frame)
        }
        return frames
    }
}
