import Foundation

/// An emulated 640x480 MJPEG camera at `/dev/video0` (`FER_LIVE_V4L2_EMULATION`) that a test can unplug and replug.
public struct UnpluggableCamera: Sendable {
    /// The emulation spec: pass it as `FER_LIVE_V4L2_EMULATION`.
    public let spec: URL
    /// The control file the emulator reads: "present" or "absent".
    public let control: URL
    /// The environment that makes fer-live open this camera.
    public var environment: [String: String] { ["FER_LIVE_V4L2_EMULATION": spec.path] }

    /// Writes `frames` (JPEGs, played in a loop), the control file (plugged in) and the spec into `directory`.
    public init(in directory: URL, frames: [[UInt8]]) throws {
        var names: [String] = []
        for (i, jpeg) in frames.enumerated() {
            names.append("f\(i).jpg")
            try Data(jpeg).write(to: directory.appendingPathComponent("f\(i).jpg"))
        }
        control = directory.appendingPathComponent("control")
        spec = directory.appendingPathComponent("spec.json")
        try "present".write(to: control, atomically: true, encoding: .utf8)
        let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
        try """
            {"devices": [{"path": "/dev/video0", "byId": "usb-Test_Cam-video-index0", "card": "Test Cam",
              "formats": [{"format": "mjpeg", "sizes": [{"width": 640, "height": 480, "fps": [30]}]}],
              "frames": [\(list)], "control": "\(control.path)", "clock": "realtime"}]}
            """.write(to: spec, atomically: true, encoding: .utf8)
    }

    /// Pulls the camera out (`false`) or plugs it back in (`true`).
    public func setPlugged(_ plugged: Bool) throws {
        try (plugged ? "present" : "absent").write(to: control, atomically: true, encoding: .utf8)
    }
}
