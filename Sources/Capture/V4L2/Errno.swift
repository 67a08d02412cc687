import Glibc

/// A POSIX error number returned by a system call on the capture path (the `errno` value).
public struct Errno: RawRepresentable, Error, Hashable, Sendable, CustomStringConvertible {
    /// The C `errno` value.
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's current `errno`.
    public static var current: Errno { Errno(rawValue: errno) }

    /// ENOENT: no such file or directory.
    public static let noSuchFile = Errno(rawValue: ENOENT)
    /// EINTR: interrupted by a signal; retry.
    public static let interrupted = Errno(rawValue: EINTR)
    /// EIO: input/output error (a failing or unplugged USB device).
    public static let ioError = Errno(rawValue: EIO)
    /// ENXIO: no such device or address (a device node without a driver).
    public static let noSuchDeviceOrAddress = Errno(rawValue: ENXIO)
    /// EBADF: bad file descriptor.
    public static let badFileDescriptor = Errno(rawValue: EBADF)
    /// EAGAIN: nothing ready yet on a non-blocking descriptor; retry.
    public static let wouldBlock = Errno(rawValue: EAGAIN)
    /// ENOMEM: out of memory (e.g. no room for capture buffers).
    public static let noMemory = Errno(rawValue: ENOMEM)
    /// EACCES: permission denied.
    public static let permissionDenied = Errno(rawValue: EACCES)
    /// EPERM: operation not permitted.
    public static let notPermitted = Errno(rawValue: EPERM)
    /// EBUSY: device or resource busy (another program streams from the camera).
    public static let busy = Errno(rawValue: EBUSY)
    /// ENODEV: no such device (the camera was unplugged).
    public static let noSuchDevice = Errno(rawValue: ENODEV)
    /// ENOTDIR: not a directory.
    public static let notDirectory = Errno(rawValue: ENOTDIR)
    /// EISDIR: is a directory.
    public static let isDirectory = Errno(rawValue: EISDIR)
    /// EINVAL: invalid argument (an unsupported V4L2 request or value).
    public static let invalidArgument = Errno(rawValue: EINVAL)
    /// ENOTTY: inappropriate ioctl for device (the file is not a V4L2 device).
    public static let notATypewriter = Errno(rawValue: ENOTTY)
    /// EPIPE: broken pipe.
    public static let brokenPipe = Errno(rawValue: EPIPE)
    /// ETIMEDOUT: timed out.
    public static let timedOut = Errno(rawValue: ETIMEDOUT)
    /// ENOSPC: no space left (out of capture bandwidth on the USB bus).
    public static let noSpace = Errno(rawValue: ENOSPC)

    /// The C library's text for this error ("No such device").
    public var description: String {
        guard let text = strerror(rawValue) else { return "errno \(rawValue)" }
        return String(cString: text)
    }

    /// The symbolic name where known ("ENODEV"), else "errno N".
    public var name: String {
        switch rawValue {
        case ENOENT: return "ENOENT"
        case EINTR: return "EINTR"
        case EIO: return "EIO"
        case ENXIO: return "ENXIO"
        case EBADF: return "EBADF"
        case EAGAIN: return "EAGAIN"
        case ENOMEM: return "ENOMEM"
        case EACCES: return "EACCES"
        case EPERM: return "EPERM"
        case EBUSY: return "EBUSY"
        case ENODEV: return "ENODEV"
        case ENOTDIR: return "ENOTDIR"
        case EISDIR: return "EISDIR"
        case EINVAL: return "EINVAL"
        case ENOTTY: return "ENOTTY"
        case EPIPE: return "EPIPE"
        case ETIMEDOUT: return "ETIMEDOUT"
        case ENOSPC: return "ENOSPC"
        default: return "errno \(rawValue)"
        }
    }
}
