/// Why a camera could not be opened or configured; `description` is one line naming the device.
public enum CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing exists at the path (or a by-id link points nowhere: the camera is unplugged).
    case deviceNotFound(path: String)
    /// The node exists but this user may not open it.
    case permissionDenied(path: String)
    /// The path names something other than a character device.
    case notCharacterDevice(path: String, kind: FileKind)
    /// A character device that does not answer VIDIOC_QUERYCAP.
    case notV4L2Device(path: String)
    /// A V4L2 node without video capture (an output, a codec or a metadata node).
    case noVideoCapture(path: String, card: String)
    /// A capture node that cannot stream through mmap buffers.
    case noStreaming(path: String, card: String)
    /// Another program holds the camera.
    case busy(path: String)
    /// The device offers no format fer-live can capture (MJPEG, YUYV, GREY).
    case noUsableFormat(path: String, offered: [String])
    /// The format asked for with `--format` is not offered.
    case formatNotOffered(path: String, format: String, offered: [String])
    /// The driver rejected a request or failed; `operation` names the ioctl or call.
    case deviceFailed(path: String, operation: String, errno: Errno)
    /// A `--size`, `--fps` or `--format` value could not be parsed.
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .deviceNotFound(let path):
            return "\(path): no such device (is the camera plugged in? `fer-live devices` lists cameras)"
        case .permissionDenied(let path):
            return "\(path): permission denied (add the user to the `video` group: sudo usermod -aG video $USER, then log in again)"
        case .notCharacterDevice(let path, let kind):
            return "\(path): not a character device (it is a \(kind)); expected a V4L2 node like /dev/video0"
        case .notV4L2Device(let path):
            return "\(path): not a V4L2 device (VIDIOC_QUERYCAP failed)"
        case .noVideoCapture(let path, let card):
            return "\(path): \(card) has no video capture capability (a metadata or output node? try another /dev/videoN)"
        case .noStreaming(let path, let card):
            return "\(path): \(card) does not support streaming I/O"
        case .busy(let path):
            return "\(path): device busy (another program is using the camera)"
        case .noUsableFormat(let path, let offered):
            return "\(path): no supported pixel format (offers \(offered.isEmpty ? "none" : offered.joined(separator: ", ")); fer-live needs MJPEG, YUYV or GREY)"
        case .formatNotOffered(let path, let format, let offered):
            return "\(path): format \(format) not offered (offers \(offered.joined(separator: ", ")))"
        case .deviceFailed(let path, let operation, let errno):
            return "\(path): \(operation) failed: \(errno) (\(errno.name))"
        case .invalidRequest(let detail):
            return detail
        }
    }
}
