/// One emulated V4L2 node: what QUERYCAP, ENUM_FMT and friends report, and how frames arrive. Codable for JSON specs.
public struct EmulatedDeviceConfiguration: Codable, Sendable, Equatable {
    /// What kind of node it is.
    public enum Kind: String, Codable, Sendable {
        /// A video capture node with streaming I/O (a webcam).
        case capture
        /// A metadata capture node (UVC cameras add one beside each video node): no video formats.
        case metadata
        /// A video output node (no capture).
        case output
        /// A character device that is not V4L2 at all (every ioctl fails with ENOTTY).
        case notV4L2
    }

    /// When frames are produced.
    public enum Clock: String, Codable, Sendable {
        /// At the mode's frame interval from STREAMON, like a camera; frames with no free buffer are dropped.
        case realtime
        /// Whenever the application polls with a buffer queued and none filled: as fast as it reads.
        case onDemand
        /// Only when a test calls `EmulatedDevice.emitFrames(_:)`.
        case manual
    }

    /// The node, e.g. "/dev/video0".
    public var path: String
    /// The name of its /dev/v4l/by-id link ("usb-Acme_Cam_123-video-index0"), if it has one.
    public var byID: String?
    /// QUERYCAP's card name.
    public var card: String
    /// QUERYCAP's driver name.
    public var driver: String
    /// QUERYCAP's bus_info.
    public var bus: String
    /// Capture, metadata, output or not V4L2 at all.
    public var kind: Kind
    /// The formats offered, in ENUM_FMT order.
    public var formats: [EmulatedFormat]
    /// Extra bytes the driver adds at the end of every YUYV/GREY line (bytesperline > width × bytes per pixel).
    public var linePadding: Int
    /// When frames are produced (`.onDemand` by default in Swift, `realtime` by default in JSON specs).
    public var clock: Clock
    /// JPEG or PNG files the frames are made from (JSON specs; relative paths are relative to the spec).
    public var frames: [String]
    /// A file whose content "present", "absent" or "present /dev/videoN" plugs the device in and out (JSON specs).
    public var control: String?
    /// Opening the node fails with EACCES (a user outside the `video` group).
    public var permissionDenied: Bool

    enum CodingKeys: String, CodingKey {
        case path, byID = "byId", card, driver, bus, kind, formats, linePadding, clock, frames, control, permissionDenied
    }

    public init(path: String, byID: String? = nil, card: String = "Emulated Camera", driver: String = "uvcvideo",
                bus: String = "usb-0000:00:14.0-1", kind: Kind = .capture, formats: [EmulatedFormat] = EmulatedFormat.typicalWebcam,
                linePadding: Int = 0, clock: Clock = .onDemand, frames: [String] = [], control: String? = nil,
                permissionDenied: Bool = false) {
        self.path = path
        self.byID = byID
        self.card = card
        self.driver = driver
        self.bus = bus
        self.kind = kind
        self.formats = formats
        self.linePadding = linePadding
        self.clock = clock
        self.frames = frames
        self.control = control
        self.permissionDenied = permissionDenied
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        byID = try container.decodeIfPresent(String.self, forKey: .byID)
        card = try container.decodeIfPresent(String.self, forKey: .card) ?? "Emulated Camera"
        driver = try container.decodeIfPresent(String.self, forKey: .driver) ?? "uvcvideo"
        bus = try container.decodeIfPresent(String.self, forKey: .bus) ?? "usb-0000:00:14.0-1"
        kind = try container.decodeIfPresent(Kind.self, forKey: .kind) ?? .capture
        formats = try container.decodeIfPresent([EmulatedFormat].self, forKey: .formats) ?? EmulatedFormat.typicalWebcam
        linePadding = try container.decodeIfPresent(Int.self, forKey: .linePadding) ?? 0
        clock = try container.decodeIfPresent(Clock.self, forKey: .clock) ?? .realtime
        frames = try container.decodeIfPresent([String].self, forKey: .frames) ?? []
        control = try container.decodeIfPresent(String.self, forKey: .control)
        permissionDenied = try container.decodeIfPresent(Bool.self, forKey: .permissionDenied) ?? false
    }
}

/// One pixel format of an emulated device: discrete sizes and rates, or a stepwise size range with continuous rates.
public struct EmulatedFormat: Codable, Sendable, Equatable {
    /// "mjpeg", "yuyv", "grey", or any other fourcc ("H264") that is listed but carries no frames.
    public var format: String
    /// Discrete sizes (ignored when `range` is set).
    public var sizes: [EmulatedSize]
    /// A stepwise size range with a continuous rate range, as some drivers report instead of a list.
    public var range: EmulatedSizeRange?

    public init(format: String, sizes: [EmulatedSize] = [], range: EmulatedSizeRange? = nil) {
        self.format = format
        self.sizes = sizes
        self.range = range
    }

    enum CodingKeys: String, CodingKey { case format, sizes, range }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(String.self, forKey: .format)
        sizes = try container.decodeIfPresent([EmulatedSize].self, forKey: .sizes) ?? []
        range = try container.decodeIfPresent(EmulatedSizeRange.self, forKey: .range)
    }

    /// A common USB 2.0 webcam: MJPEG up to 1280x720 at 30 fps, YUYV 640x480 at 30 and 1280x720 at 10.
    public static let typicalWebcam: [EmulatedFormat] = [
        EmulatedFormat(format: "mjpeg", sizes: [
            EmulatedSize(width: 1280, height: 720, fps: [30, 15]),
            EmulatedSize(width: 640, height: 480, fps: [30, 15]),
            EmulatedSize(width: 320, height: 240, fps: [30]),
        ]),
        EmulatedFormat(format: "yuyv", sizes: [
            EmulatedSize(width: 1280, height: 720, fps: [10, 5]),
            EmulatedSize(width: 640, height: 480, fps: [30, 15]),
            EmulatedSize(width: 320, height: 240, fps: [30]),
        ]),
    ]
}

/// A discrete frame size and its frame rates (fastest first is conventional).
public struct EmulatedSize: Codable, Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var fps: [Double]

    public init(width: Int, height: Int, fps: [Double]) {
        self.width = width
        self.height = height
        self.fps = fps
    }
}

/// A stepwise frame-size range (V4L2_FRMSIZE_TYPE_STEPWISE) with continuous frame rates between `minFPS` and `maxFPS`.
public struct EmulatedSizeRange: Codable, Sendable, Equatable {
    public var minWidth: Int
    public var maxWidth: Int
    public var stepWidth: Int
    public var minHeight: Int
    public var maxHeight: Int
    public var stepHeight: Int
    public var minFPS: Double
    public var maxFPS: Double

    public init(minWidth: Int, maxWidth: Int, stepWidth: Int, minHeight: Int, maxHeight: Int, stepHeight: Int,
                minFPS: Double, maxFPS: Double) {
        self.minWidth = minWidth
        self.maxWidth = maxWidth
        self.stepWidth = stepWidth
        self.minHeight = minHeight
        self.maxHeight = maxHeight
        self.stepHeight = stepHeight
        self.minFPS = minFPS
        self.maxFPS = maxFPS
    }

    /// Whether the range holds `width` × `height` on its steps.
    func contains(width: Int, height: Int) -> Bool {
        (minWidth...maxWidth).contains(width) && (minHeight...maxHeight).contains(height)
            && (width - minWidth) % max(1, stepWidth) == 0 && (height - minHeight) % max(1, stepHeight) == 0
    }

    /// The size in the range nearest to `width` × `height` (clamped, then rounded to the steps).
    func nearest(width: Int, height: Int) -> (Int, Int) {
        func fit(_ value: Int, _ low: Int, _ high: Int, _ step: Int) -> Int {
            let step = max(1, step)
            let clamped = min(max(value, low), high)
            let steps = Int((Double(clamped - low) / Double(step)).rounded())
            return min(low + steps * step, high - (high - low) % step)
        }
        return (fit(width, minWidth, maxWidth, stepWidth), fit(height, minHeight, maxHeight, stepHeight))
    }

    /// `fps` clamped into the rate range.
    func clamp(fps: Double) -> Double { min(max(fps, minFPS), maxFPS) }
}
