import Imaging

/// Opens the right file source for a path given on the command line.
///
/// - "-": stdin, a Y4M or MJPEG stream (sniffed from its first bytes);
/// - a directory: its JPEG/PNG images (`ImageFolderSource`);
/// - a path that does not exist but holds `*`, `?` or `[`: a glob pattern of images;
/// - any other file, sniffed by content whatever its extension: "YUV4MPEG2 " → `Y4MSource`,
///   FF D8 (one JPEG or many) → `MJPEGSource`, a PNG → a one-image `ImageFolderSource`.
///
/// `frameRate` (the `--fps` option) times MJPEG streams (default 30) and images (default 1); a Y4M
/// stream keeps its header's rate and uses `frameRate` only when the header declares none.
/// `realtime` (the `--realtime` flag) wraps the source in a `PacedSource`.
public enum FileSourceOpener {
    /// The source for `path`; errors name the path (missing, permission denied, unknown format, bad header).
    public static func open(_ path: String, frameRate: Double? = nil, realtime: Bool = false) throws -> any FrameSource {
        let source = try openUnpaced(path, frameRate: frameRate)
        return realtime ? PacedSource(source) : source
    }

    private static func openUnpaced(_ path: String, frameRate: Double?) throws -> any FrameSource {
        if path != "-" {
            switch try FileSystem.kind(of: path) {
            case .directory:
                return try ImageFolderSource(path: path, frameRate: frameRate ?? ImageFolderSource.defaultFrameRate)
            case .missing:
                guard FileSystem.isPattern(path) else { throw FileSourceError.fileNotFound(path: path) }
                return try ImageFolderSource(path: path, frameRate: frameRate ?? ImageFolderSource.defaultFrameRate)
            case .other:
                break
            }
        }
        let stream = try ByteStream.open(path: path)
        try stream.fill(atLeast: Y4MHeader.signature.count)
        let head = Array(stream.bytes.prefix(Y4MHeader.signature.count))
        if head.isEmpty { throw FileSourceError.empty(name: stream.name) }
        if head.starts(with: Y4MHeader.signature) {
            return try Y4MSource(stream: stream, fallbackFrameRate: frameRate ?? 30)
        }
        if head.count >= 2, head[0] == 0xFF, head[1] == 0xD8 {
            return try MJPEGSource(stream: stream, frameRate: frameRate ?? MJPEGSource.defaultFrameRate)
        }
        let isPNG = head.withUnsafeBytes { ImageCodec.fileType(of: $0) } == .png
        if isPNG, path != "-" {
            return try ImageFolderSource(name: path, paths: [path],
                                         frameRate: frameRate ?? ImageFolderSource.defaultFrameRate)
        }
        let shown = head.prefix(4).map { String($0, radix: 16, uppercase: true) }.map { $0.count == 1 ? "0" + $0 : $0 }
        throw FileSourceError.unknownFormat(
            path: stream.name,
            detail: "starts with \(shown.joined(separator: " ")); expected a YUV4MPEG2 stream, JPEG/MJPEG data"
                + (path == "-" ? "" : " or a PNG"))
    }
}
