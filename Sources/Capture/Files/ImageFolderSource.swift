import Foundation
import Synchronization
import Imaging

/// Frames from still images: the JPEG and PNG files of a directory (sorted by name), a glob pattern
/// such as `"photos/*.jpg"`, or an explicit list of files.
///
/// Each image is one frame (payload `.jpeg` or `.png`, sniffed from the bytes, not the extension).
/// Presentation times advance at `frameRate` (default 1 fps: still photos are not a video; the rate
/// matters only for `PacedSource` and for time-based smoothing). A file that cannot be read or is not
/// a JPEG/PNG is skipped, counted and reported to `skipHandler` (or logged) with its name.
public final class ImageFolderSource: FileSourceBase, FrameSource, @unchecked Sendable {
    // @unchecked Sendable: as `FileSourceBase` — its reading state belongs to the one capture thread calling next().
    /// The frame rate used when the caller gives none.
    public static let defaultFrameRate = 1.0
    /// The extensions a directory listing keeps (case-insensitive).
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    /// The directory or pattern as given.
    public let name: String
    /// The rate presentation times are computed with.
    public let frameRate: Double?
    /// Always false.
    public let isLive = false
    /// The image files, in delivery order.
    public let paths: [String]

    private let frameDuration: Double
    private let cancelled = Atomic<Bool>(false)
    /// Capture-thread state.
    private var index = 0

    /// The images of a directory (non-recursive, hidden files ignored) or of a glob pattern.
    public convenience init(path: String, frameRate: Double = ImageFolderSource.defaultFrameRate) throws {
        let paths: [String]
        switch try FileSystem.kind(of: path) {
        case .directory:
            let names = try FileSystem.list(path).filter { name in
                guard !name.hasPrefix("."), let dot = name.lastIndex(of: ".") else { return false }
                return Self.imageExtensions.contains(name[name.index(after: dot)...].lowercased())
            }
            let directory = path.hasSuffix("/") ? path : path + "/"
            paths = names.sorted().map { directory + $0 }
        case .other where !FileSystem.isPattern(path):
            paths = [path]
        case .missing where !FileSystem.isPattern(path):
            throw FileSourceError.fileNotFound(path: path)
        default:
            paths = try FileSystem.glob(path)
        }
        try self.init(name: path, paths: paths, frameRate: frameRate)
    }

    /// An explicit list of image files, delivered in the given order; `name` labels the source.
    public init(name: String, paths: [String], frameRate: Double = ImageFolderSource.defaultFrameRate) throws {
        guard frameRate > 0, frameRate.isFinite else {
            throw FileSourceError.invalidArgument(name: name, detail: "frame rate \(frameRate) must be positive")
        }
        guard !paths.isEmpty else { throw FileSourceError.noImages(pattern: name) }
        self.name = name
        self.paths = paths
        self.frameRate = frameRate
        self.frameDuration = 1 / frameRate
    }

    public func cancel() { cancelled.store(true, ordering: .releasing) }

    private var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    public func next() throws -> CapturedFrame? {
        while index < paths.count, !isCancelled {
            let path = paths[index]
            let sequence = index
            index += 1
            let bytes: [UInt8]
            do {
                bytes = try FileSystem.readAll(path)
            } catch {
                bookkeeping.skip("\(error)")
                continue
            }
            let payload: FramePayload
            let size: (width: Int, height: Int)
            switch bytes.withUnsafeBytes({ ImageCodec.fileType(of: $0) }) {
            case .jpeg?:
                payload = .jpeg
                size = bytes.withUnsafeBytes { JPEGFrameScanner.frameSize(of: $0) }
            case .png?:
                payload = .png
                size = ImageFolderSource.pngSize(bytes)
            case nil:
                bookkeeping.skip("\(path): not a JPEG or PNG image, skipped")
                continue
            }
            bookkeeping.enter(.streaming(mode: "\(paths.count) images \(formatRate(1 / frameDuration)) fps"))
            return CapturedFrame(sequence: sequence, presentationTime: Double(sequence) * frameDuration,
                                 captureTime: MonotonicClock.now, width: size.width, height: size.height,
                                 payload: payload, bytes: bytes)
        }
        bookkeeping.enter(.ended)
        return nil
    }

    /// Width and height from a PNG's IHDR chunk (0, 0 if it is too short).
    static func pngSize(_ bytes: [UInt8]) -> (width: Int, height: Int) {
        guard bytes.count >= 24 else { return (0, 0) }
        func be32(_ i: Int) -> Int { bytes[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (be32(16), be32(20))
    }
}
