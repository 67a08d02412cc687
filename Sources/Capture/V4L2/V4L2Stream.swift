import CShims
import CV4L2
import Imaging

/// A frame copied out of a dequeued capture buffer (the buffer is already back in the driver's queue).
struct DequeuedFrame {
    /// The bytes in `CapturedFrame` layout (rows packed).
    var bytes: [UInt8]
    var payload: FramePayload
    /// The driver's frame counter (gaps are frames it dropped).
    var sequence: UInt32
    /// The buffer's CLOCK_MONOTONIC timestamp in seconds, when the driver stamps with that clock.
    var monotonicTimestamp: Double?
}

/// What one dequeue attempt gave.
enum DequeueResult {
    /// A frame.
    case frame(DequeuedFrame)
    /// A buffer that could not be delivered (error flag, empty or truncated); it was re-queued.
    case skipped(reason: String)
    /// Nothing ready (EAGAIN).
    case nothing
}

/// A negotiated mode streaming through mmap buffers: set up on init, torn down by `stop()`.
///
/// Set-up: S_FMT (the driver may adjust size and format) → S_PARM (it may adjust the rate) →
/// REQBUFS → QUERYBUF + mmap per buffer → QBUF all → STREAMON. Each dequeue copies the frame out
/// and re-queues its buffer at once, so the driver never runs out while frames are processed.
final class V4L2Stream {
    let device: V4L2Device
    /// The mode the driver actually set.
    let mode: CaptureMode
    private let bytesPerLine: Int
    private var buffers: [(address: UnsafeMutableRawPointer, length: Int)] = []
    private var streaming = false

    /// Buffers requested: enough that the driver keeps filling while one is being copied.
    static let bufferCount = 4

    init(device: V4L2Device, mode wanted: CaptureMode) throws(CaptureError) {
        self.device = device
        var format = v4l2_format()
        format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        format.fmt.pix.width = UInt32(wanted.width)
        format.fmt.pix.height = UInt32(wanted.height)
        format.fmt.pix.pixelformat = wanted.pixelFormat.rawValue
        format.fmt.pix.field = V4L2_FIELD_NONE.rawValue
        try device.perform(FER_VIDIOC_S_FMT, "VIDIOC_S_FMT", &format)
        let pixelFormat = V4L2PixelFormat(rawValue: format.fmt.pix.pixelformat)
        guard pixelFormat.isCapturable else {
            throw CaptureError.noUsableFormat(path: device.path, offered: [pixelFormat.description])
        }
        let width = Int(format.fmt.pix.width), height = Int(format.fmt.pix.height)
        guard width > 0, height > 0 else {
            throw CaptureError.deviceFailed(path: device.path, operation: "VIDIOC_S_FMT (0x0 frame size)",
                                            errno: .invalidArgument)
        }
        let packedLine = pixelFormat == .yuyv ? width * 2 : pixelFormat == .grey ? width : 0
        bytesPerLine = max(Int(format.fmt.pix.bytesperline), packedLine)

        var interval = wanted.frameInterval
        var parameters = v4l2_streamparm()
        parameters.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        if let wantedInterval = wanted.frameInterval {
            parameters.parm.capture.timeperframe.numerator = wantedInterval.numerator
            parameters.parm.capture.timeperframe.denominator = wantedInterval.denominator
            do {
                try device.perform(FER_VIDIOC_S_PARM, &parameters)
            } catch {
                if error == .noSuchDevice || error == .ioError {
                    throw CaptureError.deviceFailed(path: device.path, operation: "VIDIOC_S_PARM", errno: error)
                }
                parameters.parm.capture.timeperframe = v4l2_fract()  // not settable: ask what it is
            }
        }
        if parameters.parm.capture.timeperframe.numerator == 0 {
            parameters = v4l2_streamparm()
            parameters.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            if (try? device.perform(FER_VIDIOC_G_PARM, &parameters)) == nil { parameters = v4l2_streamparm() }
        }
        let actual = parameters.parm.capture.timeperframe
        if actual.numerator > 0, actual.denominator > 0 {
            interval = V4L2Fraction(numerator: actual.numerator, denominator: actual.denominator)
        }
        mode = CaptureMode(pixelFormat: pixelFormat, width: width, height: height, frameInterval: interval)

        do {
            try startStreaming()
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    private func startStreaming() throws(CaptureError) {
        var request = v4l2_requestbuffers()
        request.count = UInt32(Self.bufferCount)
        request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        request.memory = V4L2_MEMORY_MMAP.rawValue
        try device.perform(FER_VIDIOC_REQBUFS, "VIDIOC_REQBUFS", &request)
        guard request.count >= 2 else {
            throw CaptureError.deviceFailed(path: device.path, operation: "VIDIOC_REQBUFS (\(request.count) buffers)",
                                            errno: .noMemory)
        }
        for index in 0..<Int(request.count) {
            var buffer = v4l2_buffer()
            buffer.index = UInt32(index)
            buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            buffer.memory = V4L2_MEMORY_MMAP.rawValue
            try device.perform(FER_VIDIOC_QUERYBUF, "VIDIOC_QUERYBUF", &buffer)
            let length = Int(buffer.length)
            do {
                let address = try device.system.mmap(device.fd, length: length, offset: Int(buffer.m.offset))
                buffers.append((address, length))
            } catch {
                throw CaptureError.deviceFailed(path: device.path, operation: "mmap", errno: error)
            }
        }
        for index in buffers.indices {
            var buffer = v4l2_buffer()
            buffer.index = UInt32(index)
            buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            buffer.memory = V4L2_MEMORY_MMAP.rawValue
            try device.perform(FER_VIDIOC_QBUF, "VIDIOC_QBUF", &buffer)
        }
        var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
        try device.perform(FER_VIDIOC_STREAMON, "VIDIOC_STREAMON", &type)
        streaming = true
    }

    /// Waits up to `timeoutMilliseconds` for a frame to be ready.
    func poll(timeoutMilliseconds: Int) throws(Errno) -> PollEvents {
        try device.system.poll(device.fd, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Dequeues one buffer if one is ready, copies its frame out and re-queues it.
    func dequeue() throws(Errno) -> DequeueResult {
        var buffer = v4l2_buffer()
        buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        buffer.memory = V4L2_MEMORY_MMAP.rawValue
        do {
            try device.perform(FER_VIDIOC_DQBUF, &buffer)
        } catch {
            if error == .wouldBlock || error == .interrupted { return .nothing }
            throw error
        }
        let index = Int(buffer.index)
        guard buffers.indices.contains(index) else { throw Errno.invalidArgument }
        let result = copyFrame(from: buffer, mapped: buffers[index])
        var requeue = v4l2_buffer()
        requeue.index = buffer.index
        requeue.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        requeue.memory = V4L2_MEMORY_MMAP.rawValue
        try device.perform(FER_VIDIOC_QBUF, &requeue)
        return result
    }

    private func copyFrame(from buffer: v4l2_buffer, mapped: (address: UnsafeMutableRawPointer, length: Int)) -> DequeueResult {
        if buffer.flags & UInt32(V4L2_BUF_FLAG_ERROR) != 0 {
            return .skipped(reason: "driver flagged the buffer as corrupt")
        }
        let used = min(Int(buffer.bytesused), mapped.length)
        let source = UnsafeRawBufferPointer(start: mapped.address, count: used)
        let bytes: [UInt8]
        let payload: FramePayload
        switch mode.pixelFormat {
        case .mjpeg, .jpeg:
            guard used > 0 else { return .skipped(reason: "empty MJPEG buffer") }
            bytes = Array(source)
            payload = .jpeg
        case .yuyv, .grey:
            let packedLine = mode.pixelFormat == .yuyv ? mode.width * 2 : mode.width
            let needed = bytesPerLine * (mode.height - 1) + packedLine
            guard used >= needed else {
                return .skipped(reason: "truncated \(mode.pixelFormat) frame (\(used) of \(needed) bytes)")
            }
            if bytesPerLine == packedLine {
                bytes = Array(UnsafeRawBufferPointer(rebasing: source[0..<packedLine * mode.height]))
            } else {
                var packed = [UInt8](repeating: 0, count: packedLine * mode.height)
                packed.withUnsafeMutableBytes { out in
                    for row in 0..<mode.height {
                        out.baseAddress!.advanced(by: row * packedLine)
                            .copyMemory(from: source.baseAddress!.advanced(by: row * bytesPerLine), byteCount: packedLine)
                    }
                }
                bytes = packed
            }
            payload = mode.pixelFormat == .yuyv ? .yuyv(range: .limited) : .gray
        default:
            return .skipped(reason: "unsupported pixel format \(mode.pixelFormat)")
        }
        var timestamp: Double?
        let monotonic = UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
        if buffer.flags & UInt32(V4L2_BUF_FLAG_TIMESTAMP_MASK) == monotonic,
           buffer.timestamp.tv_sec > 0 || buffer.timestamp.tv_usec > 0 {
            timestamp = Double(buffer.timestamp.tv_sec) + Double(buffer.timestamp.tv_usec) * 1e-6
        }
        return .frame(DequeuedFrame(bytes: bytes, payload: payload, sequence: buffer.sequence,
                                    monotonicTimestamp: timestamp))
    }

    /// STREAMOFF, unmap every buffer, release them (REQBUFS 0) and close the device; errors are ignored
    /// (after an unplug every ioctl fails with ENODEV, but the mappings and the descriptor must still go).
    func stop() {
        if streaming {
            var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
            try? device.perform(FER_VIDIOC_STREAMOFF, &type)
            streaming = false
        }
        for buffer in buffers {
            try? device.system.munmap(buffer.address, length: buffer.length)
        }
        if !buffers.isEmpty {
            var request = v4l2_requestbuffers()
            request.count = 0
            request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            request.memory = V4L2_MEMORY_MMAP.rawValue
            try? device.perform(FER_VIDIOC_REQBUFS, &request)
            buffers = []
        }
        device.close()
    }
}
