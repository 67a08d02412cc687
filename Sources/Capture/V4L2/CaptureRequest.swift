/// A width × height in pixels.
public struct CaptureSize: Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Parses "640x480" (also "640X480"); throws `CaptureError.invalidRequest` naming the bad value.
    public init(parsing text: String) throws(CaptureError) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]) else {
            throw CaptureError.invalidRequest("--size \(text): expected WIDTHxHEIGHT, e.g. 640x480")
        }
        guard (1...16_384).contains(width), (1...16_384).contains(height) else {
            throw CaptureError.invalidRequest("--size \(text): width and height must be 1...16384")
        }
        self.init(width: width, height: height)
    }

    public var description: String { "\(width)x\(height)" }
}

/// What the user asked of a camera (`--size`, `--fps`, `--format`); nil fields are chosen automatically.
public struct CaptureRequest: Sendable, Equatable {
    /// Wanted frame size; the driver may adjust it to the nearest it supports.
    public var size: CaptureSize?
    /// Wanted frame rate; the driver may adjust it.
    public var framesPerSecond: Double?
    /// Wanted pixel format (MJPEG, YUYV or GREY).
    public var format: V4L2PixelFormat?

    public init(size: CaptureSize? = nil, framesPerSecond: Double? = nil, format: V4L2PixelFormat? = nil) {
        self.size = size
        self.framesPerSecond = framesPerSecond
        self.format = format
    }

    /// Builds a request from command-line strings ("640x480", "30", "mjpeg"), each optional.
    public static func parse(size: String?, framesPerSecond: String?, format: String?) throws(CaptureError) -> CaptureRequest {
        var request = CaptureRequest()
        if let size { request.size = try CaptureSize(parsing: size) }
        if let framesPerSecond { request.framesPerSecond = try parseFramesPerSecond(framesPerSecond) }
        if let format { request.format = try parseFormat(format) }
        return request
    }

    /// Parses "mjpeg" (or "mjpg"), "yuyv" (or "yuy2"), "grey" (or "gray"), case-insensitive.
    public static func parseFormat(_ text: String) throws(CaptureError) -> V4L2PixelFormat {
        switch text.lowercased() {
        case "mjpeg", "mjpg": return .mjpeg
        case "yuyv", "yuy2": return .yuyv
        case "grey", "gray", "y8": return .grey
        default: throw CaptureError.invalidRequest("--format \(text): expected mjpeg or yuyv (or grey)")
        }
    }

    /// Parses a positive frame rate ("30", "29.97").
    public static func parseFramesPerSecond(_ text: String) throws(CaptureError) -> Double {
        guard let value = Double(text), value.isFinite, value > 0, value <= 1000 else {
            throw CaptureError.invalidRequest("--fps \(text): expected a frame rate between 0 and 1000, e.g. 30")
        }
        return value
    }
}
