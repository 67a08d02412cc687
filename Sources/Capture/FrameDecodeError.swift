/// A frame that could not be decoded; `description` reads "clip.mjpeg frame 17: corrupt JPEG data: ...".
public struct FrameDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The source's name.
    public var source: String
    /// The frame's sequence number.
    public var frame: Int
    /// What is wrong, one line.
    public var detail: String

    public init(source: String, frame: Int, detail: String) {
        self.source = source
        self.frame = frame
        self.detail = detail
    }

    public var description: String { "\(source) frame \(frame): \(detail)" }
}
