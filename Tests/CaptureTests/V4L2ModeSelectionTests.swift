import Capture
import V4L2Emulation
import XCTest

/// Choosing the camera mode: MJPEG first, YUYV as fallback, by bandwidth, with the user's overrides.
final class V4L2ModeSelectionTests: XCTestCase {
    private func format(_ pixelFormat: V4L2PixelFormat, _ sizes: [(Int, Int, [Double])]) -> V4L2FormatDescription {
        V4L2FormatDescription(pixelFormat: pixelFormat, name: pixelFormat.fourCC, sizes: sizes.map { size in
            V4L2FrameSize(width: size.0, height: size.1, intervals: size.2.map { V4L2Fraction(framesPerSecond: $0) })
        })
    }

    private func choose(_ formats: [V4L2FormatDescription], _ request: CaptureRequest = CaptureRequest()) throws -> String {
        try ModeSelection.choose(from: formats, request: request, path: "/dev/video0").description
    }

    private var webcam: [V4L2FormatDescription] {
        [format(.yuyv, [(1280, 720, [10, 5]), (640, 480, [30, 15]), (320, 240, [30])]),
         format(.mjpeg, [(1920, 1080, [30]), (1280, 720, [60, 30, 15]), (640, 480, [30]), (320, 240, [30])])]
    }

    func testPrefersMJPEGAtTheLargestSizeWithinBudget() throws {
        XCTAssertEqual(try choose(webcam), "1280x720 mjpeg 30 fps")
    }

    func testFallsBackToYUYVWhenMJPEGIsMissingOrTooSlow() throws {
        let yuyvOnly = [format(.yuyv, [(1280, 720, [10, 5]), (640, 480, [30, 15])])]
        XCTAssertEqual(try choose(yuyvOnly), "640x480 yuyv 30 fps", "720p at 10 fps is not live")
        let slowMJPEG = [format(.mjpeg, [(1280, 720, [5])]), format(.yuyv, [(640, 480, [30])])]
        XCTAssertEqual(try choose(slowMJPEG), "640x480 yuyv 30 fps")
        let greyOnly = [format(.grey, [(640, 400, [60, 30])])]
        XCTAssertEqual(try choose(greyOnly), "640x400 grey 30 fps")
        let onlySlow = [format(.yuyv, [(1280, 720, [10]), (640, 480, [15])])]
        XCTAssertEqual(try choose(onlySlow), "1280x720 yuyv 10 fps", "no live rate at all: best within budget")
    }

    func testBandwidthRule() throws {
        let onlyLarge = [format(.mjpeg, [(3840, 2160, [30]), (1920, 1080, [30])])]
        XCTAssertEqual(try choose(onlyLarge), "1920x1080 mjpeg 30 fps", "over budget: the smallest")
        let sixty = [format(.mjpeg, [(640, 480, [60, 30])])]
        XCTAssertEqual(try choose(sixty), "640x480 mjpeg 30 fps", "no gain above 30 fps")
        let odd = [format(.mjpeg, [(1024, 768, [30]), (1280, 720, [25]), (800, 600, [30])])]
        XCTAssertEqual(try choose(odd), "1024x768 mjpeg 30 fps", "largest pixel rate within 1280x720x30")
    }

    func testOverrides() throws {
        XCTAssertEqual(try choose(webcam, CaptureRequest(format: .yuyv)), "640x480 yuyv 30 fps")
        XCTAssertEqual(try choose(webcam, CaptureRequest(size: CaptureSize(width: 320, height: 240))), "320x240 mjpeg 30 fps")
        XCTAssertEqual(try choose(webcam, CaptureRequest(framesPerSecond: 15)), "1280x720 mjpeg 15 fps")
        XCTAssertEqual(try choose(webcam, CaptureRequest(size: CaptureSize(width: 1920, height: 1080))),
                       "1920x1080 mjpeg 30 fps", "an explicit size may exceed the budget")
        XCTAssertEqual(try choose(webcam, CaptureRequest(size: CaptureSize(width: 1280, height: 720), format: .yuyv)),
                       "1280x720 yuyv 10 fps", "explicit size and format: the rate follows")
        XCTAssertEqual(try choose(webcam, CaptureRequest(size: CaptureSize(width: 800, height: 600))),
                       "800x600 mjpeg 30 fps", "an unlisted size is asked for; the driver adjusts it")
        XCTAssertThrowsError(try choose(webcam, CaptureRequest(format: .grey))) {
            XCTAssertEqual($0 as? CaptureError, .formatNotOffered(path: "/dev/video0", format: "grey", offered: ["yuyv", "mjpeg"]))
        }
        // A device offering JPEG rather than MJPEG still satisfies --format mjpeg.
        XCTAssertEqual(try choose([format(.jpeg, [(640, 480, [30])])], CaptureRequest(format: .mjpeg)), "640x480 jpeg 30 fps")
    }

    func testRequestParsing() throws {
        let request = try CaptureRequest.parse(size: "640x480", framesPerSecond: "29.97", format: "MJPG")
        XCTAssertEqual(request, CaptureRequest(size: CaptureSize(width: 640, height: 480), framesPerSecond: 29.97, format: .mjpeg))
        XCTAssertEqual(try CaptureRequest.parse(size: nil, framesPerSecond: nil, format: "yuyv").format, .yuyv)
        XCTAssertEqual(try CaptureRequest.parse(size: nil, framesPerSecond: nil, format: nil), CaptureRequest())
        for (size, message) in [("640", "--size 640: expected WIDTHxHEIGHT, e.g. 640x480"),
                                ("640x", "--size 640x: expected WIDTHxHEIGHT, e.g. 640x480"),
                                ("0x480", "--size 0x480: width and height must be 1...16384")] {
            XCTAssertThrowsError(try CaptureSize(parsing: size)) { XCTAssertEqual("\($0)", message) }
        }
        XCTAssertThrowsError(try CaptureRequest.parseFormat("h264")) {
            XCTAssertEqual("\($0)", "--format h264: expected mjpeg or yuyv (or grey)")
        }
        for fps in ["0", "-5", "abc", "nan", "5000"] {
            XCTAssertThrowsError(try CaptureRequest.parseFramesPerSecond(fps), fps)
        }
    }

    func testDriverAdjustedModeIsReported() throws {
        let (system, _) = V4L2Fixtures.webcamSystem()
        let log = LogRecorder()
        // 800x600 is not offered: the (emulated) driver picks the nearest size, 640x480, and 20 fps becomes 30.
        let source = try CameraSource(path: "/dev/video0",
                                      request: CaptureRequest(size: CaptureSize(width: 800, height: 600), framesPerSecond: 20),
                                      system: system, logger: log.logger())
        XCTAssertEqual(source.mode?.description, "640x480 mjpeg 15 fps")
        XCTAssertEqual(source.frameRate, 15)
        let frame = try XCTUnwrap(try source.next())
        XCTAssertEqual(frame.width, 640)
        XCTAssertEqual(frame.height, 480)
        let adjusted = log.records.first { $0.message.contains("adjusted") }
        XCTAssertEqual(adjusted?.metadata["camera.requested"]?.description, "800x600 mjpeg 15 fps")
        XCTAssertEqual(adjusted?.metadata["camera.mode"]?.description, "640x480 mjpeg 15 fps")
    }
}
