/// Frames from a stream of concatenated JPEGs: what `ffmpeg -f mjpeg` writes, to a file or a pipe ("-").
///
/// MJPEG streams carry no frame rate, so presentation times use the one given (default 30 fps).
/// Bytes between frames that are not a JPEG are skipped and counted as one skipped frame per run;
/// a frame whose markers are invalid is skipped and counted; a frame cut off by the end of the stream
/// is counted and the stream ends. Width and height come from each frame's SOF segment.
public final class MJPEGSource: FileSourceBase, FrameSource, @unchecked Sendable {
    // @unchecked Sendable: as `FileSourceBase` — its reading state belongs to the one capture thread calling next().
    /// The frame rate assumed when the caller gives none.
    public static let defaultFrameRate = 30.0

    /// The file name or "stdin".
    public let name: String
    /// The rate presentation times are computed with (given, or `defaultFrameRate`).
    public let frameRate: Double?
    /// Always false: a file is read as fast as the pipeline takes frames (wrap in `PacedSource` for real time).
    public let isLive = false

    private let stream: ByteStream
    private let scanner = JPEGFrameScanner()
    private let frameDuration: Double
    /// Capture-thread state: frames delivered or skipped so far (the next sequence number).
    private var index = 0
    private var finished = false

    /// Opens an MJPEG file, or stdin for "-".
    public convenience init(path: String, frameRate: Double = MJPEGSource.defaultFrameRate) throws {
        try self.init(stream: ByteStream.open(path: path), frameRate: frameRate)
    }

    /// Reads an MJPEG stream from a descriptor the caller keeps open (and closes after the source is gone).
    public convenience init(fileDescriptor: Int32, name: String, frameRate: Double = MJPEGSource.defaultFrameRate) throws {
        try self.init(stream: ByteStream(fileDescriptor: fileDescriptor, name: name, ownsDescriptor: false),
                      frameRate: frameRate)
    }

    init(stream: ByteStream, frameRate: Double) throws {
        guard frameRate > 0, frameRate.isFinite else {
            throw FileSourceError.invalidArgument(name: stream.name, detail: "frame rate \(frameRate) must be positive")
        }
        self.stream = stream
        self.name = stream.name
        self.frameRate = frameRate
        self.frameDuration = 1 / frameRate
    }

    public func cancel() {
        stream.cancel()
    }

    public func next() throws -> CapturedFrame? {
        guard !finished else { return nil }
        let frame: JPEGFrameScanner.Frame?
        do {
            frame = try scanner.next(from: stream) { skip in
                // A damaged or truncated frame takes a sequence number (time moves on); garbage does not.
                switch skip {
                case .garbage(let count):
                    bookkeeping.skip("\(name) before frame \(index): skipped \(count) bytes that are not a JPEG")
                case .damaged(let detail):
                    bookkeeping.skip("\(name) frame \(index): damaged JPEG skipped (\(detail))")
                    index += 1
                case .truncated(let count):
                    bookkeeping.skip("\(name) frame \(index): truncated JPEG (\(count) bytes) at the end of the stream")
                    index += 1
                }
            }
        } catch {
            finish()
            throw error
        }
        guard let frame else {
            finish()
            return nil
        }
        let captured = CapturedFrame(sequence: index, presentationTime: Double(index) * frameDuration,
                                     captureTime: MonotonicClock.now, width: frame.width, height: frame.height,
                                     payload: .jpeg, bytes: frame.bytes)
        if !streamingReported {
            streamingReported = true
            bookkeeping.enter(.streaming(mode: "\(frame.width)x\(frame.height) mjpeg \(formatRate(1 / frameDuration)) fps"))
        }
        index += 1
        return captured
    }

    private var streamingReported = false

    private func finish() {
        finished = true
        bookkeeping.enter(.ended)
    }
}
