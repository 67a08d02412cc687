#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and writes with errno mapped to `ImagingError`.
enum FileIO {
    /// Files larger than this are refused rather than read into memory.
    static let maximumFileSize = 1 << 30

    /// The complete contents of a file.
    static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw openError(path: path, errno: errno) }
        defer { close(fd) }

        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw ImagingError.unreadable(path: path, reason: errorString(errno))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw ImagingError.unreadable(path: path, reason: "is a directory")
        }
        let declared = Int(info.st_size)
        if declared > maximumFileSize {
            throw ImagingError.unreadable(path: path, reason: "file is \(declared) bytes, more than \(maximumFileSize)")
        }

        // Regular files: one allocation of the stat size. Pipes and /proc files report 0: grow.
        var bytes = [UInt8](repeating: 0, count: max(declared, 0) + 1)
        var used = 0
        while true {
            if used == bytes.count {
                if bytes.count >= maximumFileSize {
                    throw ImagingError.unreadable(path: path, reason: "file is larger than \(maximumFileSize) bytes")
                }
                bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 65_536)))
            }
            let n = bytes.withUnsafeMutableBytes { raw in
                posixRead(fd, raw.baseAddress! + used, raw.count - used)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ImagingError.unreadable(path: path, reason: errorString(errno))
            }
            if n == 0 { break }
            used += n
        }
        bytes.removeSubrange(used...)
        return bytes
    }

    /// Creates or truncates `path` and writes `bytes` to it.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ImagingError.cannotWrite(path: path, reason: errorString(errno))
        }
        var written = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = posixWrite(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += n
            }
        }
        let closeFailed = close(fd) != 0 ? errno : 0
        if failure != 0 { throw ImagingError.cannotWrite(path: path, reason: errorString(failure)) }
        if closeFailed != 0 { throw ImagingError.cannotWrite(path: path, reason: errorString(closeFailed)) }
    }

    private static func openError(path: String, errno code: Int32) -> ImagingError {
        switch code {
        case ENOENT, ENOTDIR: return .fileNotFound(path: path)
        case EACCES, EPERM: return .permissionDenied(path: path)
        default: return .unreadable(path: path, reason: errorString(code))
        }
    }

    static func errorString(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return String(cString: message)
    }
}

// Inside `FileIO`, `read`/`write` name its own methods: reach the POSIX calls from file scope.
@inline(__always)
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

@inline(__always)
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
