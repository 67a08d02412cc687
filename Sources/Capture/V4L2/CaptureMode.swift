/// A camera mode: pixel format, frame size and frame interval.
public struct CaptureMode: Sendable, Equatable, CustomStringConvertible {
    public var pixelFormat: V4L2PixelFormat
    public var width: Int
    public var height: Int
    /// Seconds per frame, nil when the driver does not say.
    public var frameInterval: V4L2Fraction?

    public init(pixelFormat: V4L2PixelFormat, width: Int, height: Int, frameInterval: V4L2Fraction?) {
        self.pixelFormat = pixelFormat
        self.width = width
        self.height = height
        self.frameInterval = frameInterval
    }

    /// Frames per second, nil when unknown.
    public var framesPerSecond: Double? {
        guard let frameInterval, frameInterval.numerator > 0 else { return nil }
        return frameInterval.framesPerSecond
    }

    /// "640x480 mjpeg 30 fps".
    public var description: String {
        var text = "\(width)x\(height) \(pixelFormat)"
        if let fps = framesPerSecond {
            let rounded = fps.rounded()
            text += abs(rounded - fps) < 0.005 ? " \(Int(rounded)) fps" : " \((fps * 100).rounded() / 100) fps"
        }
        return text
    }
}
