import Foundation
import Imaging

/// Frames from a YUV4MPEG2 stream: a `.y4m` file, or a pipe such as `ffmpeg -i clip.mp4 -f yuv4mpegpipe -`.
///
/// Accepts C420jpeg/420paldv/420mpeg2/420/422/444/mono (chroma siting is ignored: all 4:2:0 variants are
/// converted as centred chroma), XCOLORRANGE=FULL/LIMITED (limited when absent); I and A are checked and
/// ignored (frames are treated as progressive). A frame cut short by the end of the stream is counted in
/// `skippedFrames` and the stream ends cleanly. A frame header that is not `FRAME` throws
/// `FileSourceError.corruptStream`: Y4M has no sync markers, so once bytes are lost every later frame
/// boundary is unknown and resynchronising would deliver garbage.
public final class Y4MSource: FileSourceBase, FrameSource, @unchecked Sendable {
    // @unchecked Sendable: as `FileSourceBase` — its reading state belongs to the one capture thread calling next().
    /// The file name or "stdin".
    public let name: String
    /// The parsed stream header.
    public let header: Y4MHeader
    /// Frames per second from the header's F, or nil when it declares none.
    public var frameRate: Double? { header.framesPerSecond }
    /// Always false: a file is read as fast as the pipeline takes frames (wrap in `PacedSource` for real time).
    public let isLive = false

    /// Longest accepted header line (stream or frame), in bytes.
    static let maximumHeaderLength = 4096

    private let stream: ByteStream
    /// Seconds per frame for presentation times (1/30 when the header declares no rate).
    private let frameDuration: Double
    /// Capture-thread state.
    private var index = 0
    private var finished = false

    /// Opens a Y4M file, or stdin for "-". `fallbackFrameRate` times the frames when the header has no F.
    public convenience init(path: String, fallbackFrameRate: Double = 30) throws {
        try self.init(stream: ByteStream.open(path: path), fallbackFrameRate: fallbackFrameRate)
    }

    /// Reads a Y4M stream from a descriptor the caller keeps open (and closes after the source is gone).
    public convenience init(fileDescriptor: Int32, name: String, fallbackFrameRate: Double = 30) throws {
        try self.init(stream: ByteStream(fileDescriptor: fileDescriptor, name: name, ownsDescriptor: false),
                      fallbackFrameRate: fallbackFrameRate)
    }

    /// Reads the stream header from `stream` (which may already hold sniffed bytes).
    init(stream: ByteStream, fallbackFrameRate: Double = 30) throws {
        guard fallbackFrameRate > 0, fallbackFrameRate.isFinite else {
            throw FileSourceError.invalidArgument(name: stream.name, detail: "frame rate \(fallbackFrameRate) must be positive")
        }
        self.stream = stream
        self.name = stream.name
        guard let line = try Y4MSource.readLine(stream) else {
            if stream.available == 0 { throw FileSourceError.empty(name: stream.name) }
            throw FileSourceError.invalidHeader(name: stream.name, field: "signature",
                                                detail: "stream ends inside the header (no newline)")
        }
        header = try Y4MHeader.parse(line[...], name: stream.name)
        frameDuration = 1 / (header.framesPerSecond ?? fallbackFrameRate)
    }

    public func cancel() {
        stream.cancel()
    }

    public func next() throws -> CapturedFrame? {
        guard !finished else { return nil }
        do {
            if let frame = try readFrame() {
                if index == 1 { bookkeeping.enter(.streaming(mode: mode)) }
                return frame
            }
        } catch {
            finish()
            throw error
        }
        finish()
        return nil
    }

    private var mode: String {
        let rate = frameRate.map { " \(formatRate($0)) fps" } ?? ""
        return "\(header.width)x\(header.height) y4m \(header.colorspace)\(rate)"
    }

    private func finish() {
        finished = true
        bookkeeping.enter(.ended)
    }

    private func readFrame() throws -> CapturedFrame? {
        // Frame header: "FRAME" [params] "\n".
        guard let line = try Y4MSource.readLine(stream) else {
            if stream.isCancelled { return nil }
            if stream.available > 0 {
                bookkeeping.skip("\(name) frame \(index): truncated frame header at the end of the stream")
                stream.consume(stream.available)
            }
            return nil
        }
        let marker = Array("FRAME".utf8)
        guard line.starts(with: marker), line.count == marker.count || line[marker.count] == UInt8(ascii: " ") else {
            let shown = String(decoding: line.prefix(16), as: UTF8.self).unicodeScalars
                .map { $0.isASCII && $0.value >= 32 && $0.value < 127 ? String($0) : "?" }.joined()
            throw FileSourceError.corruptStream(
                name: name, frame: index,
                detail: "expected a FRAME header at byte \(stream.offset - line.count - 1), found '\(shown)' "
                    + "(the stream is damaged; Y4M cannot resynchronise)")
        }

        let size = header.frameSize
        var stored = 0
        let bytes = try [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            stored = try stream.read(into: buffer)
            if stored < size {
                // Keep the array valid: zero the rest; the frame is dropped below.
                buffer.baseAddress!.advanced(by: stored).initialize(repeating: 0, count: size - stored)
            }
            initialized = size
        }
        let now = MonotonicClock.now
        if stored < size {
            if !stream.isCancelled {
                bookkeeping.skip("\(name) frame \(index): truncated (\(stored) of \(size) bytes) at the end of the stream")
            }
            return nil
        }
        let frame = CapturedFrame(sequence: index, presentationTime: Double(index) * frameDuration, captureTime: now,
                                  width: header.width, height: header.height, payload: header.payload, bytes: bytes)
        index += 1
        return frame
    }

    /// The next line without its "\n", consumed from the stream; nil if the stream ends (or is cancelled)
    /// before a newline. A line longer than `maximumHeaderLength` is returned cut at that length.
    static func readLine(_ stream: ByteStream) throws -> [UInt8]? {
        var searched = 0
        while true {
            let buffered = stream.bytes
            let limit = min(buffered.count, maximumHeaderLength)
            if let newline = buffered[searched..<limit].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffered[..<newline])
                stream.consume(newline + 1)
                return line
            }
            if limit == maximumHeaderLength {
                let line = Array(buffered[..<limit])
                stream.consume(limit)
                return line
            }
            searched = limit
            if try !stream.readMore() { return nil }
        }
    }
}

/// "30", "29.97", "12.5": a frame rate for mode strings.
func formatRate(_ rate: Double) -> String {
    String(format: "%.4g", rate)
}
