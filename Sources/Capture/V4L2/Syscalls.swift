import CShims
import CV4L2
import Glibc

/// The real `V4L2System`: libc for files and `poll`, libv4l2 for the device once it is known to be V4L2.
///
/// `open` checks the node itself (`stat`, character device, a raw `VIDIOC_QUERYCAP`) before handing
/// the descriptor to libv4l2 with `v4l2_fd_open`, so a non-V4L2 file never reaches libv4l2, which
/// would print its own complaints on stderr.
public struct LinuxV4L2System: V4L2System {
    public init() {}

    public func fileKind(at path: String) throws(Errno) -> FileKind {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Errno.current }
        switch info.st_mode & S_IFMT {
        case S_IFCHR: return .characterDevice
        case S_IFBLK: return .blockDevice
        case S_IFDIR: return .directory
        case S_IFREG: return .regularFile
        default: return .other
        }
    }

    public func open(_ path: String) throws(Errno) -> Int32 {
        let kind = try fileKind(at: path)
        guard kind == .characterDevice else { throw Errno.notATypewriter }
        let fd = Glibc.open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw Errno.current }
        // A raw QUERYCAP tells a V4L2 node from any other character device without libv4l2's noise.
        var capability = v4l2_capability()
        if Glibc.ioctl(fd, FER_VIDIOC_QUERYCAP, &capability) != 0 {
            let error = Errno.current
            Glibc.close(fd)
            throw error == .invalidArgument || error == .notATypewriter ? Errno.notATypewriter : error
        }
        guard v4l2_fd_open(fd, V4L2_DISABLE_CONVERSION) == fd else {
            let error = Errno.current
            Glibc.close(fd)
            throw error
        }
        return fd
    }

    public func close(_ fd: Int32) throws(Errno) {
        guard v4l2_close(fd) == 0 else { throw Errno.current }
    }

    public func ioctl(_ fd: Int32, _ request: UInt, _ argument: UnsafeMutableRawPointer) throws(Errno) {
        while true {
            if fer_v4l2_ioctl(fd, request, argument) == 0 { return }
            let error = Errno.current
            if error != .interrupted { throw error }
        }
    }

    public func mmap(_ fd: Int32, length: Int, offset: Int) throws(Errno) -> UnsafeMutableRawPointer {
        let address = v4l2_mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, Int64(offset))
        guard let address, address != MAP_FAILED else { throw Errno.current }
        return address
    }

    public func munmap(_ address: UnsafeMutableRawPointer, length: Int) throws(Errno) {
        guard v4l2_munmap(address, length) == 0 else { throw Errno.current }
    }

    public func poll(_ fd: Int32, timeoutMilliseconds: Int) throws(Errno) -> PollEvents {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let count = Glibc.poll(&entry, 1, Int32(clamping: timeoutMilliseconds))
        if count < 0 {
            let error = Errno.current
            if error == .interrupted { return [] }
            throw error
        }
        return count == 0 ? [] : PollEvents(rawValue: entry.revents)
    }

    public func contentsOfDirectory(_ path: String) throws(Errno) -> [String] {
        guard let directory = opendir(path) else { throw Errno.current }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func resolvingSymlinks(_ path: String) throws(Errno) -> String {
        guard let resolved = realpath(path, nil) else { throw Errno.current }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
