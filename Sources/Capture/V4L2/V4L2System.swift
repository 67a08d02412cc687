/// The operating-system calls V4L2 capture makes: the seam between capture code and the kernel.
///
/// `LinuxV4L2System` is the real one (libv4l2 + libc); tests and end-to-end runs inject an
/// emulated system that speaks the same ioctl protocol on the same structs. Every call reports
/// failure as a thrown `Errno`, as the kernel would.
public protocol V4L2System: Sendable {
    /// The kind of file at `path`, following symbolic links (like `stat`). Throws ENOENT when it
    /// does not exist, EACCES when a directory on the way may not be searched.
    func fileKind(at path: String) throws(Errno) -> FileKind

    /// Opens a V4L2 device node for reading and writing, non-blocking. Throws ENOTTY when the file
    /// opens but is not a V4L2 device (nothing is printed and no descriptor is left open).
    func open(_ path: String) throws(Errno) -> Int32

    /// Closes a descriptor returned by `open`.
    func close(_ fd: Int32) throws(Errno)

    /// Performs the V4L2 ioctl `request` (a `FER_VIDIOC_*` code) on `fd`; `argument` points at the
    /// request's struct, which the call reads and fills.
    func ioctl(_ fd: Int32, _ request: UInt, _ argument: UnsafeMutableRawPointer) throws(Errno)

    /// Maps `length` bytes of a capture buffer (at the `offset` QUERYBUF returned) for reading and writing.
    func mmap(_ fd: Int32, length: Int, offset: Int) throws(Errno) -> UnsafeMutableRawPointer

    /// Unmaps a buffer mapped by `mmap`.
    func munmap(_ address: UnsafeMutableRawPointer, length: Int) throws(Errno)

    /// Waits up to `timeoutMilliseconds` for `fd` to have a frame ready (an empty set on timeout).
    func poll(_ fd: Int32, timeoutMilliseconds: Int) throws(Errno) -> PollEvents

    /// The entry names in a directory (without "." and ".."), in no particular order.
    func contentsOfDirectory(_ path: String) throws(Errno) -> [String]

    /// `path` with every symbolic link resolved, absolute (like `realpath`). Throws ENOENT for a dangling link.
    func resolvingSymlinks(_ path: String) throws(Errno) -> String
}

/// What a path names, as `stat` reports it.
public enum FileKind: Sendable, Equatable, CustomStringConvertible {
    /// A character device (what V4L2 nodes are).
    case characterDevice
    /// A block device.
    case blockDevice
    /// A directory.
    case directory
    /// A regular file.
    case regularFile
    /// Anything else: a FIFO, a socket.
    case other

    public var description: String {
        switch self {
        case .characterDevice: return "character device"
        case .blockDevice: return "block device"
        case .directory: return "directory"
        case .regularFile: return "regular file"
        case .other: return "special file"
        }
    }
}

/// The events `V4L2System.poll` reports (POLLIN, POLLERR, POLLHUP).
public struct PollEvents: OptionSet, Sendable, Hashable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    /// POLLIN: a filled buffer can be dequeued.
    public static let readable = PollEvents(rawValue: 0x001)
    /// POLLERR: the device reports an error (not streaming, or disconnected).
    public static let error = PollEvents(rawValue: 0x008)
    /// POLLHUP: the device hung up (unplugged).
    public static let hangup = PollEvents(rawValue: 0x010)
}
