import Capture
import XCTest

/// What a network camera source makes of its URL: which URLs it takes, ffmpeg's command line, hidden credentials.
final class NetworkCameraSourceTests: XCTestCase {
    func testWhichURLsAreNetworkCameras() {
        XCTAssertTrue(NetworkCameraSource.accepts("rtsp://cam.lan/stream1"))
        XCTAssertTrue(NetworkCameraSource.accepts("RTSPS://cam.lan/x"))
        XCTAssertTrue(NetworkCameraSource.accepts("http://10.0.0.5/video.mjpg"))
        XCTAssertFalse(NetworkCameraSource.accepts("/dev/video0"))
        XCTAssertFalse(NetworkCameraSource.accepts("clip.mjpeg"))
        XCTAssertFalse(NetworkCameraSource.accepts("ftp://cam.lan/x"))
    }

    func testFFmpegReadsRTSPOverTCPWithATimeout() {
        let rtsp = NetworkCameraSource.arguments(for: "rtsp://cam.lan/s")
        XCTAssertEqual(rtsp[rtsp.firstIndex(of: "-rtsp_transport")! + 1], "tcp")
        XCTAssertTrue(rtsp.contains("-timeout"))
        XCTAssertEqual(Array(rtsp.suffix(3)), ["-f", "mjpeg", "pipe:1"])
        let http = NetworkCameraSource.arguments(for: "http://cam.lan/s")
        XCTAssertFalse(http.contains("-rtsp_transport"))
        XCTAssertTrue(http.contains("-rw_timeout"))
        XCTAssertEqual(http[http.firstIndex(of: "-i")! + 1], "http://cam.lan/s")
    }

    func testCredentialsAreHidden() {
        let (name, secrets) = NetworkCameraSource.redact("rtsp://admin:pa55word@10.0.0.5:554/Streaming/101?x=a@b")
        XCTAssertEqual(name, "rtsp://***@10.0.0.5:554/Streaming/101?x=a@b")
        XCTAssertEqual(NetworkCameraSource.scrub("rtsp://admin:pa55word@10.0.0.5: 401 Unauthorized (admin)", secrets: secrets),
                       "rtsp://***@10.0.0.5: 401 Unauthorized (***)")
        XCTAssertEqual(NetworkCameraSource.redact("http://cam.lan/video").0, "http://cam.lan/video")
        XCTAssertEqual(NetworkCameraSource(url: "https://u:p@cam/v", ffmpeg: "/usr/bin/ffmpeg", logger: .init(label: "t")).name,
                       "https://***@cam/v")
    }
}
