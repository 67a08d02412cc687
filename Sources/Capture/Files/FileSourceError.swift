import Glibc

/// Why a file, pipe or image folder cannot be read as frames; `description` is one line naming the file.
public enum FileSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path does not exist (and is not a glob pattern that matches files).
    case fileNotFound(path: String)
    /// The file exists but this process may not read it.
    case permissionDenied(path: String)
    /// Opening or reading failed for another reason.
    case unreadable(path: String, reason: String)
    /// The bytes are neither a YUV4MPEG2 stream, a JPEG/MJPEG stream nor a PNG.
    case unknownFormat(path: String, detail: String)
    /// The stream holds no data at all.
    case empty(name: String)
    /// A stream header field is missing or invalid; `field` is the header's own name for it (W, H, F, C, ...).
    case invalidHeader(name: String, field: String, detail: String)
    /// The stream is damaged in a way that cannot be skipped over (e.g. a lost Y4M FRAME marker).
    case corruptStream(name: String, frame: Int, detail: String)
    /// A read failed mid-stream.
    case readFailed(name: String, reason: String)
    /// A directory or glob pattern matched no JPEG or PNG files.
    case noImages(pattern: String)
    /// A caller passed an unusable argument (e.g. a frame rate of 0).
    case invalidArgument(name: String, detail: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path): return "\(path): no such file or directory"
        case .permissionDenied(let path): return "\(path): permission denied"
        case .unreadable(let path, let reason): return "\(path): cannot read (\(reason))"
        case .unknownFormat(let path, let detail): return "\(path): unknown format (\(detail))"
        case .empty(let name): return "\(name): empty input"
        case .invalidHeader(let name, let field, let detail): return "\(name): bad header field \(field): \(detail)"
        case .corruptStream(let name, let frame, let detail): return "\(name) frame \(frame): \(detail)"
        case .readFailed(let name, let reason): return "\(name): read failed (\(reason))"
        case .noImages(let pattern): return "\(pattern): no JPEG or PNG images found"
        case .invalidArgument(let name, let detail): return "\(name): \(detail)"
        }
    }

    /// The error for a failed open(2) of `path`.
    static func openFailed(path: String, errno code: Int32) -> FileSourceError {
        switch code {
        case ENOENT, ENOTDIR: return .fileNotFound(path: path)
        case EACCES, EPERM: return .permissionDenied(path: path)
        default: return .unreadable(path: path, reason: String(cString: strerror(code)))
        }
    }
}
