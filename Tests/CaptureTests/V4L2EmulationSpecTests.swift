import Capture
import Foundation
import Imaging
import TestSupport
import V4L2Emulation
import XCTest

/// `EmulatedV4L2System.fromEnvironment()`: a JSON spec and a control file drive an emulated camera.
final class V4L2EmulationSpecTests: XCTestCase {
    private func writeSpec(_ json: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent("spec.json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A temporary folder with a frame (`face.jpg`) and a control file saying "present".
    private func cameraFolder() throws -> (URL, String) {
        let directory = try TestPaths.temporaryDirectory()
        try FileManager.default.copyItem(at: TestPaths.fixtures.appendingPathComponent("two_people.jpg"),
                                         to: directory.appendingPathComponent("face.jpg"))
        let control = directory.appendingPathComponent("camera.control").path
        try "present\n".write(toFile: control, atomically: true, encoding: .utf8)
        return (directory, control)
    }

    func testSpecFromEnvironmentWithControlFile() throws {
        let (directory, control) = try cameraFolder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let spec = try writeSpec("""
            {"devices": [
              {"path": "/dev/video0", "byId": "usb-Emulated_Cam-video-index0", "card": "Emulated Cam",
               "formats": [{"format": "mjpeg", "sizes": [{"width": 320, "height": 240, "fps": [30]}]},
                           {"format": "yuyv", "sizes": [{"width": 320, "height": 240, "fps": [30]}]}],
               "frames": ["face.jpg"], "control": "\(control)", "clock": "realtime"},
              {"path": "/dev/video1", "byId": "usb-Emulated_Cam-video-index1", "kind": "metadata", "formats": []}
            ]}
            """, in: directory)

        XCTAssertNil(try EmulatedV4L2System.fromEnvironment([:]))
        let system = try XCTUnwrap(try EmulatedV4L2System.fromEnvironment([EmulatedV4L2System.environmentVariable: spec]))
        let devices = DeviceList.scan(system: system)
        XCTAssertEqual(devices.map(\.path), ["/dev/video0", "/dev/video1"])
        XCTAssertEqual(devices[0].capabilities?.card, "Emulated Cam")
        XCTAssertEqual(devices[0].formats.map(\.pixelFormat), [.mjpeg, .yuyv])

        let byID = "/dev/v4l/by-id/usb-Emulated_Cam-video-index0"
        let recorder = StateRecorder { state in
            switch state {
            case .waiting:
                // The control file moves the camera to another node.
                try? "present /dev/video3\n".write(toFile: control, atomically: true, encoding: .utf8)
            default:
                break
            }
        }
        let source = try CameraSource(path: byID, system: system, reconnect: V4L2Fixtures.quickReconnect)
        source.stateHandler = recorder.handler
        let first = try frames(from: source, count: 3)
        XCTAssertEqual(first.map(\.width), [320, 320, 320])
        XCTAssertNoThrow(try ImageCodec.decode(data: first[0].bytes, as: .rgb8))
        try "absent\n".write(toFile: control, atomically: true, encoding: .utf8)
        let more = try frames(from: source, count: 3)
        XCTAssertTrue(more.allSatisfy { $0.sequence > first.last!.sequence })
        XCTAssertEqual(recorder.states.filter { if case .waiting = $0 { return true } else { return false } }.count, 1)
        XCTAssertEqual(source.reconnectionCount, 1)
        XCTAssertEqual(try system.resolvingSymlinks(byID), "/dev/video3")
        source.cancel()
        XCTAssertNil(try source.next())
        XCTAssertEqual(system.openDescriptorCount, 0)
    }

    func testControlFileCorruptsABurstOfFrames() throws {
        let (directory, control) = try cameraFolder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let spec = try writeSpec("""
            {"devices": [{"path": "/dev/video0", "formats": [{"format": "mjpeg", "sizes": [{"width": 320, "height": 240, "fps": [60]}]}],
               "frames": ["face.jpg"], "control": "\(control)", "clock": "realtime"}]}
            """, in: directory)
        let system = try EmulatedV4L2System.load(specAt: spec)
        let source = try CameraSource(path: "/dev/video0", system: system)
        defer { source.cancel() }
        func decodable(_ count: Int) throws -> [Bool] {
            try frames(from: source, count: count).map { (try? ImageCodec.decode(data: $0.bytes, as: .rgb8)) != nil }
        }
        XCTAssertEqual(try decodable(2), [true, true])
        try "corrupt 4 #1\n".write(toFile: control, atomically: true, encoding: .utf8)
        let burst = try decodable(12)
        let bad = burst.filter { !$0 }.count
        XCTAssertEqual(bad, 4, "\(burst)")
        // Contiguous: once the burst starts, four garbage frames in a row, then good ones.
        let start = try XCTUnwrap(burst.firstIndex(of: false))
        XCTAssertEqual(Array(burst[start..<(start + 4)]), [false, false, false, false])
        XCTAssertEqual(source.reconnectionCount, 0)
    }

    func testSpecErrorsNameTheFile() throws {
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("none.json").path
        XCTAssertThrowsError(try EmulatedV4L2System.fromEnvironment([EmulatedV4L2System.environmentVariable: missing])) {
            XCTAssertTrue("\($0)".hasPrefix("V4L2 emulation spec \(missing): cannot read"), "\($0)")
        }
        let noPath = try writeSpec(#"{"devices": [{"card": "x"}]}"#, in: directory)
        XCTAssertThrowsError(try EmulatedV4L2System.load(specAt: noPath)) {
            XCTAssertEqual("\($0)", "V4L2 emulation spec \(noPath): missing field \"path\" at .devices[0]")
        }
        let badFrame = try writeSpec(#"{"devices": [{"path": "/dev/video0", "frames": ["nope.jpg"]}]}"#, in: directory)
        XCTAssertThrowsError(try EmulatedV4L2System.load(specAt: badFrame)) {
            XCTAssertTrue("\($0)".hasPrefix("V4L2 emulation spec \(badFrame): frame nope.jpg:"), "\($0)")
        }
        let empty = try writeSpec(#"{"devices": []}"#, in: directory)
        XCTAssertThrowsError(try EmulatedV4L2System.load(specAt: empty)) {
            XCTAssertEqual("\($0)", "V4L2 emulation spec \(empty): no devices")
        }
    }
}
