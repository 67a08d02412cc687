import CShims
import CV4L2

/// An open V4L2 node, checked to be what capture needs; owned by one thread, closed on `close()` or deinit.
public final class V4L2Device {
    /// The path it was opened by (possibly a /dev/v4l/by-id link).
    public let path: String
    /// What VIDIOC_QUERYCAP reported.
    public let capabilities: V4L2Capabilities
    /// The system calls go through this seam.
    public let system: any V4L2System
    /// The file descriptor, -1 once closed.
    public private(set) var fd: Int32

    /// Opens and validates `path`.
    ///
    /// Checks, in order: the path exists (`deviceNotFound`), may be searched and opened
    /// (`permissionDenied`, with a hint about the `video` group), is a character device
    /// (`notCharacterDevice`), answers VIDIOC_QUERYCAP (`notV4L2Device`), is not held by another
    /// program (`busy`), and — unless `requireCapture` is false, as for listing — captures video
    /// (`noVideoCapture`) through streaming I/O (`noStreaming`).
    public init(path: String, system: any V4L2System = LinuxV4L2System(), requireCapture: Bool = true) throws(CaptureError) {
        self.path = path
        self.system = system
        let kind: FileKind
        do {
            kind = try system.fileKind(at: path)
        } catch {
            throw Self.openError(error, path: path, operation: "stat")
        }
        guard kind == .characterDevice else { throw CaptureError.notCharacterDevice(path: path, kind: kind) }
        let fd: Int32
        do {
            fd = try system.open(path)
        } catch {
            throw Self.openError(error, path: path, operation: "open")
        }
        var raw = v4l2_capability()
        do {
            try system.ioctl(fd, FER_VIDIOC_QUERYCAP, &raw)
        } catch {
            try? system.close(fd)
            throw Self.openError(error, path: path, operation: "VIDIOC_QUERYCAP")
        }
        let capabilities = V4L2Capabilities(raw)
        if requireCapture {
            guard capabilities.canCapture else {
                try? system.close(fd)
                throw CaptureError.noVideoCapture(path: path, card: capabilities.card)
            }
            guard capabilities.canStream else {
                try? system.close(fd)
                throw CaptureError.noStreaming(path: path, card: capabilities.card)
            }
        }
        self.fd = fd
        self.capabilities = capabilities
    }

    deinit { close() }

    /// Closes the descriptor (idempotent). Buffers must be unmapped first.
    public func close() {
        guard fd >= 0 else { return }
        try? system.close(fd)
        fd = -1
    }

    /// Performs `request` on the device, mapping a failure to `CaptureError.deviceFailed` named `name`.
    func perform<T>(_ request: UInt, _ name: String, _ value: inout T) throws(CaptureError) {
        do {
            try perform(request, &value)
        } catch {
            throw error == .busy ? CaptureError.busy(path: path)
                : CaptureError.deviceFailed(path: path, operation: name, errno: error)
        }
    }

    /// Performs `request` on the device, reporting the raw errno.
    func perform<T>(_ request: UInt, _ value: inout T) throws(Errno) {
        guard fd >= 0 else { throw Errno.badFileDescriptor }
        let fd = self.fd
        let system = self.system
        let result: Result<Void, Errno> = withUnsafeMutableBytes(of: &value) { raw in
            do throws(Errno) {
                try system.ioctl(fd, request, raw.baseAddress!)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// The error a failed stat/open/QUERYCAP means to a user.
    static func openError(_ error: Errno, path: String, operation: String) -> CaptureError {
        switch error {
        case .noSuchFile, .noSuchDevice, .noSuchDeviceOrAddress, .notDirectory:
            return .deviceNotFound(path: path)
        case .permissionDenied, .notPermitted:
            return .permissionDenied(path: path)
        case .busy:
            return .busy(path: path)
        case .notATypewriter, .invalidArgument:
            return .notV4L2Device(path: path)
        default:
            return .deviceFailed(path: path, operation: operation, errno: error)
        }
    }
}
