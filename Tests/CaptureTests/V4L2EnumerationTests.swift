import Capture
import V4L2Emulation
import XCTest

/// Format/size/interval enumeration and the `fer-live devices` listing.
final class V4L2EnumerationTests: XCTestCase {
    func testEnumeratesFormatsSizesAndIntervals() throws {
        let (system, _) = V4L2Fixtures.webcamSystem()
        let device = try V4L2Device(path: "/dev/video0", system: system)
        let formats = try device.enumerateFormats()
        XCTAssertEqual(formats.map(\.pixelFormat), [.mjpeg, .yuyv])
        XCTAssertEqual(formats.map(\.name), ["Motion-JPEG", "YUYV 4:2:2"])
        XCTAssertEqual(formats.map(\.isCompressed), [true, false])
        let mjpeg = formats[0]
        XCTAssertEqual(mjpeg.sizes.map { "\($0.width)x\($0.height)" }, ["1280x720", "640x480", "320x240"])
        XCTAssertEqual(mjpeg.sizes[0].intervals, [V4L2Fraction(numerator: 1, denominator: 30),
                                                  V4L2Fraction(numerator: 1, denominator: 15)])
        XCTAssertEqual(formats[1].sizes[0].framesPerSecond, [10, 5])
        XCTAssertNil(mjpeg.sizeRange)
        device.close()

        // A metadata node has no video formats.
        let metadata = try V4L2Device(path: "/dev/video1", system: system, requireCapture: false)
        XCTAssertEqual(try metadata.enumerateFormats(), [])
        XCTAssertTrue(metadata.capabilities.isMetadata)
        XCTAssertEqual(metadata.capabilities.role, "metadata")
    }

    private func sampleSystem() -> EmulatedV4L2System {
        let (system, _) = V4L2Fixtures.webcamSystem(formats: [
            EmulatedFormat(format: "mjpeg", sizes: [EmulatedSize(width: 1280, height: 720, fps: [30, 15]),
                                                   EmulatedSize(width: 640, height: 480, fps: [30])]),
            EmulatedFormat(format: "yuyv", sizes: [EmulatedSize(width: 640, height: 480, fps: [30, 7.5])]),
        ])
        system.addDevice(EmulatedDeviceConfiguration(
            path: "/dev/video2", card: "IR Camera", driver: "uvcvideo", bus: "usb-0000:00:14.0-5",
            formats: [EmulatedFormat(format: "grey", sizes: [EmulatedSize(width: 340, height: 340, fps: [15])])]))
        system.addDevice(EmulatedDeviceConfiguration(path: "/dev/video10", card: "Locked", permissionDenied: true))
        return system
    }

    func testDeviceListFindsEveryNodeWithItsByIDLinks() {
        let devices = DeviceList.scan(system: sampleSystem())
        XCTAssertEqual(devices.map(\.path), ["/dev/video0", "/dev/video1", "/dev/video2", "/dev/video10"])
        XCTAssertEqual(devices[0].byIDPaths, [V4L2Fixtures.byIDPath])
        XCTAssertEqual(devices[1].byIDPaths, ["/dev/v4l/by-id/usb-Acme_HD_Webcam_C123-video-index1"])
        XCTAssertEqual(devices[2].byIDPaths, [])
        XCTAssertEqual(devices.map(\.canCapture), [true, false, true, false])
        XCTAssertEqual(devices[0].capabilities?.driver, "uvcvideo")
        XCTAssertEqual(devices[0].capabilities?.bus, "usb-0000:00:14.0-1")
        XCTAssertEqual(devices[0].formats.map(\.pixelFormat), [.mjpeg, .yuyv])
        XCTAssertEqual(devices[2].formats.first?.sizes.first?.framesPerSecond, [15])
        XCTAssertNil(devices[0].error)
        XCTAssertEqual(devices[3].error, CaptureError.permissionDenied(path: "/dev/video10").description)
    }

    func testDeviceTable() {
        let table = DeviceTable.render(DeviceList.scan(system: sampleSystem()))
        let expected = """
            DEVICE        NAME                 DRIVER    BY-ID                                 FORMAT  SIZE      FPS
            /dev/video0   Acme HD Webcam C123  uvcvideo  usb-Acme_HD_Webcam_C123-video-index0  MJPG    1280x720  30, 15
                                                                                               MJPG    640x480   30
                                                                                               YUYV    640x480   30, 7.5
            /dev/video1   Acme HD Webcam C123  uvcvideo  usb-Acme_HD_Webcam_C123-video-index1  (metadata node, no video capture)
            /dev/video2   IR Camera            uvcvideo  -                                     GREY    340x340   15
            /dev/video10  ?                    ?         -                                     (\(CaptureError.permissionDenied(path: "/dev/video10")))

            """
        XCTAssertEqual(table, expected, "\n" + table)
        XCTAssertEqual(DeviceTable.render([]), "no V4L2 devices found\n")
        XCTAssertEqual(DeviceTable.render(DeviceList.scan(system: EmulatedV4L2System())), "no V4L2 devices found\n")
    }

    func testStepwiseRangesAreSummarised() {
        let format = V4L2FormatDescription(
            pixelFormat: .yuyv, name: "YUYV 4:2:2",
            sizes: [V4L2FrameSize(width: 1280, height: 720, intervals: [V4L2Fraction(numerator: 1, denominator: 30)],
                                  intervalRange: V4L2IntervalRange(
                                      minimum: V4L2Fraction(numerator: 1, denominator: 30),
                                      maximum: V4L2Fraction(numerator: 1, denominator: 1),
                                      step: V4L2Fraction(numerator: 1, denominator: 1), isContinuous: true))],
            sizeRange: V4L2SizeRange(minWidth: 16, maxWidth: 1920, stepWidth: 16, minHeight: 16, maxHeight: 1080,
                                     stepHeight: 8, isContinuous: false))
        let table = DeviceTable.render([V4L2DeviceInfo(
            path: "/dev/video0", byIDPaths: [],
            capabilities: V4L2Capabilities(driver: "vivid", card: "vivid", bus: "platform:vivid-000",
                                           deviceCapabilities: 0x0400_0001),
            formats: [format], error: nil)])
        XCTAssertTrue(table.contains("YUYV    16x16-1920x1080 step 16x8 (stepwise)  1-30 (continuous)"), table)
    }

    func testStepwiseDeviceEndToEnd() throws {
        let range = EmulatedSizeRange(minWidth: 160, maxWidth: 1920, stepWidth: 16, minHeight: 120, maxHeight: 1080,
                                      stepHeight: 8, minFPS: 1, maxFPS: 30)
        let (system, _) = V4L2Fixtures.webcamSystem(formats: [EmulatedFormat(format: "yuyv", range: range)])
        let info = try XCTUnwrap(DeviceList.scan(system: system).first)
        let format = try XCTUnwrap(info.formats.first)
        XCTAssertEqual(format.sizeRange, V4L2SizeRange(minWidth: 160, maxWidth: 1920, stepWidth: 16, minHeight: 120,
                                                       maxHeight: 1080, stepHeight: 8, isContinuous: false))
        let sizes = format.sizes.map { "\($0.width)x\($0.height)" }
        XCTAssertEqual(sizes.first, "1920x1080")
        XCTAssertTrue(sizes.contains("1280x720") && sizes.contains("640x480"), "\(sizes)")
        XCTAssertFalse(sizes.contains("960x540"), "540 - 120 is not a multiple of the 8-line step")
        XCTAssertEqual(format.sizes.first?.intervalRange?.isContinuous, true)
        XCTAssertEqual(format.sizes.first?.framesPerSecond, [30, 25, 20, 15, 10, 5])
        XCTAssertTrue(DeviceTable.render([info]).contains("YUYV    160x120-1920x1080 step 16x8 (stepwise)  1-30 (continuous)"))

        let source = try CameraSource(path: "/dev/video0", system: system)
        XCTAssertEqual(source.mode?.description, "1280x720 yuyv 30 fps")
        XCTAssertEqual(try source.next()?.bytes.count, 1280 * 720 * 2)
        source.cancel()
        XCTAssertNil(try source.next())

        let adjusted = try CameraSource(path: "/dev/video0",
                                        request: CaptureRequest(size: CaptureSize(width: 1000, height: 700), framesPerSecond: 12),
                                        system: system)
        XCTAssertEqual(adjusted.mode?.description, "1008x704 yuyv 12 fps", "the driver rounds to its steps")
        XCTAssertEqual(try adjusted.next()?.bytes.count, 1008 * 704 * 2)
    }
}
