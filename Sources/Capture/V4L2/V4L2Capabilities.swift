import CV4L2

/// What VIDIOC_QUERYCAP reports about a V4L2 node: names and the device's capability bits.
public struct V4L2Capabilities: Sendable, Equatable {
    /// The kernel driver ("uvcvideo").
    public var driver: String
    /// The device's name ("HD Pro Webcam C920").
    public var card: String
    /// Where the device sits ("usb-0000:00:14.0-1").
    public var bus: String
    /// The capabilities of this node (`device_caps`, or `capabilities` for old drivers).
    public var deviceCapabilities: UInt32

    public init(driver: String, card: String, bus: String, deviceCapabilities: UInt32) {
        self.driver = driver
        self.card = card
        self.bus = bus
        self.deviceCapabilities = deviceCapabilities
    }

    /// Reads the strings and bits out of a filled `v4l2_capability`.
    public init(_ raw: v4l2_capability) {
        driver = CTuple.string(raw.driver)
        card = CTuple.string(raw.card)
        bus = CTuple.string(raw.bus_info)
        deviceCapabilities = raw.capabilities & UInt32(V4L2_CAP_DEVICE_CAPS) != 0 ? raw.device_caps : raw.capabilities
    }

    /// V4L2_CAP_VIDEO_CAPTURE: the node captures single-planar video.
    public var canCapture: Bool { deviceCapabilities & UInt32(V4L2_CAP_VIDEO_CAPTURE) != 0 }
    /// V4L2_CAP_STREAMING: the node supports mmap streaming I/O.
    public var canStream: Bool { deviceCapabilities & UInt32(V4L2_CAP_STREAMING) != 0 }
    /// V4L2_CAP_META_CAPTURE: a metadata node (UVC cameras add one beside each video node).
    public var isMetadata: Bool { deviceCapabilities & UInt32(V4L2_CAP_META_CAPTURE) != 0 }

    /// A short word for what the node does: "capture", "metadata", "output" or "other".
    public var role: String {
        if canCapture { return "capture" }
        if isMetadata { return "metadata" }
        if deviceCapabilities & UInt32(V4L2_CAP_VIDEO_OUTPUT) != 0 { return "output" }
        if deviceCapabilities & UInt32(V4L2_CAP_VIDEO_M2M) != 0 { return "memory-to-memory" }
        return "other"
    }
}

/// Conversions between Swift strings and C `char[N]` arrays, which Swift imports as tuples.
public enum CTuple {
    /// The NUL-terminated string stored in a `char[N]` tuple.
    public static func string<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }

    /// Writes `string` into a `char[N]` tuple, NUL-terminated and truncated to fit.
    public static func fill<T>(_ tuple: inout T, with string: String) {
        withUnsafeMutableBytes(of: &tuple) { raw in
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            for (index, byte) in string.utf8.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
    }
}
