import Glibc

/// The few file-system operations the file sources need, with errno mapped to `FileSourceError`.
enum FileSystem {
    /// What a path names.
    enum Kind {
        case missing
        case directory
        case other
    }

    /// Whether `path` exists and is a directory (following symlinks).
    static func kind(of path: String) throws -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return .missing }
            throw FileSourceError.openFailed(path: path, errno: errno)
        }
        return (info.st_mode & S_IFMT) == S_IFDIR ? .directory : .other
    }

    /// True when `path` contains glob(3) pattern characters.
    static func isPattern(_ path: String) -> Bool {
        path.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    /// The paths glob(3) matches, sorted; empty when nothing matches.
    static func glob(_ pattern: String) throws -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        let status = Glibc.glob(pattern, 0, nil, &result)
        switch status {
        case 0: break
        case GLOB_NOMATCH: return []
        case GLOB_ABORTED: throw FileSourceError.unreadable(path: pattern, reason: "a directory could not be read")
        default: throw FileSourceError.unreadable(path: pattern, reason: "glob failed (\(status))")
        }
        var paths = [String]()
        for i in 0..<Int(result.gl_pathc) {
            if let p = result.gl_pathv[i] { paths.append(String(cString: p)) }
        }
        return paths
    }

    /// The names in `directory` (without "." and ".."), unsorted.
    static func list(_ directory: String) throws -> [String] {
        guard let dir = opendir(directory) else { throw FileSourceError.openFailed(path: directory, errno: errno) }
        defer { closedir(dir) }
        var names = [String]()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The whole contents of a (small) file.
    static func readAll(_ path: String, limit: Int = 1 << 30) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSourceError.openFailed(path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw FileSourceError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw FileSourceError.unreadable(path: path, reason: "is a directory") }
        var bytes = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
        var used = 0
        while true {
            if used == bytes.count {
                guard bytes.count < limit else {
                    throw FileSourceError.unreadable(path: path, reason: "larger than \(limit) bytes")
                }
                bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 65_536)))
            }
            let n = bytes.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + used, raw.count - used) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSourceError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            used += n
        }
        bytes.removeSubrange(used...)
        return bytes
    }
}
