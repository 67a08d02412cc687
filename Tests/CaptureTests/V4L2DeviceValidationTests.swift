import Capture
import Foundation
import Glibc
import TestSupport
import V4L2Emulation
import XCTest

/// Opening paths that are not usable cameras gives one clear error per case.
final class V4L2DeviceValidationTests: XCTestCase {
    private func openError(_ path: String, system: any V4L2System) -> CaptureError? {
        do {
            _ = try V4L2Device(path: path, system: system)
            return nil
        } catch {
            return error
        }
    }

    func testEmulatedErrorCases() {
        let (system, _) = V4L2Fixtures.webcamSystem()
        system.addFile("/dev/notes.txt", kind: .regularFile)
        system.addFile("/dev/somedir", kind: .directory)
        system.addNonV4L2CharacterDevice("/dev/ttyS0")
        system.addDevice(EmulatedDeviceConfiguration(path: "/dev/video5", card: "Encoder", kind: .output))
        system.addDevice(EmulatedDeviceConfiguration(path: "/dev/video6", card: "Locked Cam", permissionDenied: true))

        let missing = openError("/dev/video9", system: system)
        XCTAssertEqual(missing, .deviceNotFound(path: "/dev/video9"))
        XCTAssertEqual(missing?.description.hasPrefix("/dev/video9: no such device"), true)

        let denied = openError("/dev/video6", system: system)
        XCTAssertEqual(denied, .permissionDenied(path: "/dev/video6"))
        XCTAssertTrue(denied?.description.contains("`video` group") ?? false, denied?.description ?? "")

        XCTAssertEqual(openError("/dev/notes.txt", system: system),
                       .notCharacterDevice(path: "/dev/notes.txt", kind: .regularFile))
        let directory = openError("/dev/somedir", system: system)
        XCTAssertEqual(directory, .notCharacterDevice(path: "/dev/somedir", kind: .directory))
        XCTAssertEqual(directory?.description,
                       "/dev/somedir: not a character device (it is a directory); expected a V4L2 node like /dev/video0")

        let tty = openError("/dev/ttyS0", system: system)
        XCTAssertEqual(tty, .notV4L2Device(path: "/dev/ttyS0"))
        XCTAssertEqual(tty?.description, "/dev/ttyS0: not a V4L2 device (VIDIOC_QUERYCAP failed)")

        let metadata = openError("/dev/video1", system: system)
        XCTAssertEqual(metadata, .noVideoCapture(path: "/dev/video1", card: "Acme HD Webcam C123"))
        XCTAssertTrue(metadata?.description.contains("no video capture capability") ?? false)
        XCTAssertEqual(openError("/dev/video5", system: system), .noVideoCapture(path: "/dev/video5", card: "Encoder"))

        // A failed open leaves nothing behind.
        XCTAssertEqual(system.openDescriptorCount, 0)

        // The by-id path and the node both open; the device reports QUERYCAP's names.
        XCTAssertNoThrow(try {
            let device = try V4L2Device(path: V4L2Fixtures.byIDPath, system: system)
            XCTAssertEqual(device.capabilities.card, "Acme HD Webcam C123")
            XCTAssertEqual(device.capabilities.driver, "uvcvideo")
            XCTAssertTrue(device.capabilities.canCapture && device.capabilities.canStream)
            XCTAssertEqual(system.openDescriptorCount, 1)
            device.close()
            XCTAssertEqual(system.openDescriptorCount, 0)
        }())
    }

    func testSecondStreamOnABusyCameraIsBusy() throws {
        let (system, _) = V4L2Fixtures.webcamSystem()
        let first = try CameraSource(path: "/dev/video0", system: system)
        _ = try first.next()
        XCTAssertThrowsError(try CameraSource(path: V4L2Fixtures.byIDPath, system: system)) { error in
            XCTAssertEqual(error as? CaptureError, .busy(path: V4L2Fixtures.byIDPath))
        }
        XCTAssertEqual(system.openDescriptorCount, 1, "the failed second open must close its descriptor")
        first.cancel()
        XCTAssertNil(try first.next())
        XCTAssertEqual(system.openDescriptorCount, 0)
    }

    func testFormatNotOfferedAndNoUsableFormat() {
        let (system, _) = V4L2Fixtures.webcamSystem()
        system.addDevice(EmulatedDeviceConfiguration(path: "/dev/video2", card: "H264 Cam", formats: [
            EmulatedFormat(format: "h264", sizes: [EmulatedSize(width: 1920, height: 1080, fps: [30])]),
        ]))
        XCTAssertThrowsError(try CameraSource(path: "/dev/video0", request: CaptureRequest(format: .grey), system: system)) {
            XCTAssertEqual($0 as? CaptureError,
                           .formatNotOffered(path: "/dev/video0", format: "grey", offered: ["mjpeg", "yuyv"]))
        }
        XCTAssertThrowsError(try CameraSource(path: "/dev/video2", system: system)) {
            XCTAssertEqual($0 as? CaptureError, .noUsableFormat(path: "/dev/video2", offered: ["H264"]))
            XCTAssertTrue("\($0)".contains("fer-live needs MJPEG, YUYV or GREY"))
        }
        XCTAssertEqual(system.openDescriptorCount, 0)
    }

    // MARK: - The production system on real paths of this machine

    /// Runs `body` with stderr redirected to a file and returns what was written there.
    private func capturingStandardError(_ body: () -> Void) throws -> String {
        let url = try TestPaths.temporaryDirectory().appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let file = Glibc.open(url.path, O_WRONLY)
        XCTAssertGreaterThanOrEqual(file, 0)
        fflush(nil)
        let saved = dup(2)
        dup2(file, 2)
        body()
        fflush(nil)
        dup2(saved, 2)
        Glibc.close(saved)
        Glibc.close(file)
        return try String(contentsOf: url, encoding: .utf8)
    }

    func testLinuxSystemOnRealPaths() throws {
        let system = LinuxV4L2System()
        XCTAssertEqual(openError("/dev/video-fer-live-missing", system: system),
                       .deviceNotFound(path: "/dev/video-fer-live-missing"))
        XCTAssertEqual(openError("/nonexistent-dir/video0", system: system),
                       .deviceNotFound(path: "/nonexistent-dir/video0"))

        var nullError: CaptureError?
        let printed = try capturingStandardError { nullError = openError("/dev/null", system: system) }
        XCTAssertEqual(nullError, .notV4L2Device(path: "/dev/null"))
        XCTAssertEqual(printed, "", "libv4l2 must not be handed a non-V4L2 descriptor")

        let directory = try TestPaths.temporaryDirectory()
        XCTAssertEqual(openError(directory.path, system: system),
                       .notCharacterDevice(path: directory.path, kind: .directory))
        let regular = directory.appendingPathComponent("frame.bin")
        _ = FileManager.default.createFile(atPath: regular.path, contents: Data([1, 2, 3]))
        XCTAssertEqual(openError(regular.path, system: system),
                       .notCharacterDevice(path: regular.path, kind: .regularFile))

        // The seam's other calls behave like the kernel's.
        XCTAssertThrowsError(try system.open("/dev/null")) { XCTAssertEqual($0 as? Errno, .notATypewriter) }
        XCTAssertEqual(try system.fileKind(at: "/dev/null"), .characterDevice)
        XCTAssertThrowsError(try system.fileKind(at: "/dev/video-fer-live-missing")) {
            XCTAssertEqual($0 as? Errno, .noSuchFile)
        }
        let link = directory.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: regular.path)
        XCTAssertEqual(try system.resolvingSymlinks(link.path), try system.resolvingSymlinks(regular.path))
        XCTAssertEqual(Set(try system.contentsOfDirectory(directory.path)), ["frame.bin", "link"])
        try? FileManager.default.removeItem(at: directory)
    }

    func testLinuxDeviceListOnThisMachineIsConsistent() {
        // There is no camera here; whatever /dev holds, listing must not fail and the table must match it.
        let devices = DeviceList.scan()
        let table = DeviceTable.render(devices)
        if devices.isEmpty {
            XCTAssertEqual(table, "no V4L2 devices found\n")
        } else {
            for device in devices { XCTAssertTrue(table.contains(device.path)) }
        }
    }
}
