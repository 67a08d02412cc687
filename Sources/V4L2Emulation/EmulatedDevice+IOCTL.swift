import Capture
import CShims
import CV4L2

/// The ioctls: the dispatch, capabilities, and the streaming ones (buffers, queueing, stream on/off);
/// formats and frame rates are in EmulatedDevice+Formats.swift. The system's lock is held throughout.
extension EmulatedDevice {
    /// Handles one ioctl from `fd`, reading and filling the struct at `argument`.
    func ioctlLocked(fd: Int32, request: UInt, argument: UnsafeMutableRawPointer) throws(Errno) {
        if configuration.kind == .notV4L2 { throw Errno.notATypewriter }
        switch request {
        case FER_VIDIOC_QUERYCAP:
            queryCapabilities(argument.assumingMemoryBound(to: v4l2_capability.self))
        case FER_VIDIOC_ENUM_FMT:
            try enumerateFormat(argument.assumingMemoryBound(to: v4l2_fmtdesc.self))
        case FER_VIDIOC_ENUM_FRAMESIZES:
            try enumerateSize(argument.assumingMemoryBound(to: v4l2_frmsizeenum.self))
        case FER_VIDIOC_ENUM_FRAMEINTERVALS:
            try enumerateInterval(argument.assumingMemoryBound(to: v4l2_frmivalenum.self))
        case FER_VIDIOC_G_FMT:
            try getFormat(argument.assumingMemoryBound(to: v4l2_format.self))
        case FER_VIDIOC_S_FMT, FER_VIDIOC_TRY_FMT:
            try setFormat(argument.assumingMemoryBound(to: v4l2_format.self), fd: fd,
                          commit: request == FER_VIDIOC_S_FMT)
        case FER_VIDIOC_G_PARM, FER_VIDIOC_S_PARM:
            try parameters(argument.assumingMemoryBound(to: v4l2_streamparm.self), set: request == FER_VIDIOC_S_PARM)
        case FER_VIDIOC_REQBUFS:
            try requestBuffers(argument.assumingMemoryBound(to: v4l2_requestbuffers.self), fd: fd)
        case FER_VIDIOC_QUERYBUF:
            try queryBuffer(argument.assumingMemoryBound(to: v4l2_buffer.self))
        case FER_VIDIOC_QBUF:
            try queue(argument.assumingMemoryBound(to: v4l2_buffer.self), fd: fd)
        case FER_VIDIOC_DQBUF:
            try dequeue(argument.assumingMemoryBound(to: v4l2_buffer.self), fd: fd)
        case FER_VIDIOC_STREAMON:
            try streamOn(type: UInt32(bitPattern: argument.load(as: Int32.self)), fd: fd)
        case FER_VIDIOC_STREAMOFF:
            try streamOff(type: UInt32(bitPattern: argument.load(as: Int32.self)), fd: fd)
        default:
            throw Errno.notATypewriter
        }
    }

    private var deviceCapabilities: UInt32 {
        switch configuration.kind {
        case .capture: return UInt32(V4L2_CAP_VIDEO_CAPTURE) | UInt32(V4L2_CAP_STREAMING) | UInt32(V4L2_CAP_EXT_PIX_FORMAT)
        case .metadata: return UInt32(V4L2_CAP_META_CAPTURE) | UInt32(V4L2_CAP_STREAMING) | UInt32(V4L2_CAP_EXT_PIX_FORMAT)
        case .output: return UInt32(V4L2_CAP_VIDEO_OUTPUT) | UInt32(V4L2_CAP_STREAMING)
        case .notV4L2: return 0
        }
    }

    private func queryCapabilities(_ capability: UnsafeMutablePointer<v4l2_capability>) {
        var raw = v4l2_capability()
        CTuple.fill(&raw.driver, with: configuration.driver)
        CTuple.fill(&raw.card, with: configuration.card)
        CTuple.fill(&raw.bus_info, with: configuration.bus)
        raw.version = (6 << 16) | (1 << 8)
        raw.device_caps = deviceCapabilities
        raw.capabilities = deviceCapabilities | UInt32(V4L2_CAP_DEVICE_CAPS)
        capability.pointee = raw
    }

    var capturesVideo: Bool { configuration.kind == .capture }

    func requireCaptureType(_ type: UInt32) throws(Errno) {
        guard capturesVideo, type == V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue else { throw Errno.invalidArgument }
    }

    private func requireOwner(_ fd: Int32) throws(Errno) {
        guard owner == fd else { throw owner == nil ? Errno.invalidArgument : Errno.busy }
    }

    private func requestBuffers(_ request: UnsafeMutablePointer<v4l2_requestbuffers>, fd: Int32) throws(Errno) {
        try requireCaptureType(request.pointee.type)
        guard request.pointee.memory == V4L2_MEMORY_MMAP.rawValue else { throw Errno.invalidArgument }
        if let owner, owner != fd { throw Errno.busy }
        if streaming { throw Errno.busy }
        if buffers.contains(where: { $0.mappings > 0 }) { throw Errno.busy }
        releaseBuffersLocked()
        let count = min(Int(request.pointee.count), 32)
        request.pointee.capabilities = UInt32(V4L2_BUF_CAP_SUPPORTS_MMAP)
        guard count > 0 else {
            owner = nil
            request.pointee.count = 0
            return
        }
        let length = imageSize(pixelFormats[formatIndex], width: width, height: height)
        buffers = (0..<count).map { EmulatedBuffer(index: $0, length: length) }
        stats.dequeuesPerBuffer = Array(repeating: 0, count: count)
        owner = fd
        request.pointee.count = UInt32(count)
    }

    private func queryBuffer(_ buffer: UnsafeMutablePointer<v4l2_buffer>) throws(Errno) {
        try requireCaptureType(buffer.pointee.type)
        let index = Int(buffer.pointee.index)
        guard buffers.indices.contains(index) else { throw Errno.invalidArgument }
        describe(buffers[index], into: &buffer.pointee)
    }

    private func describe(_ buffer: EmulatedBuffer, into raw: inout v4l2_buffer) {
        raw.index = UInt32(buffer.index)
        raw.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        raw.memory = V4L2_MEMORY_MMAP.rawValue
        raw.length = UInt32(buffer.length)
        raw.m.offset = UInt32(buffer.offset)
        raw.field = V4L2_FIELD_NONE.rawValue
        var flags = UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
        if buffer.mappings > 0 { flags |= UInt32(V4L2_BUF_FLAG_MAPPED) }
        if buffer.state == .queued { flags |= UInt32(V4L2_BUF_FLAG_QUEUED) }
        if buffer.state == .done { flags |= UInt32(V4L2_BUF_FLAG_DONE) }
        raw.flags = flags
    }

    private func queue(_ raw: UnsafeMutablePointer<v4l2_buffer>, fd: Int32) throws(Errno) {
        try requireCaptureType(raw.pointee.type)
        try requireOwner(fd)
        guard raw.pointee.memory == V4L2_MEMORY_MMAP.rawValue else { throw Errno.invalidArgument }
        let index = Int(raw.pointee.index)
        guard buffers.indices.contains(index), buffers[index].state == .dequeued else { throw Errno.invalidArgument }
        buffers[index].state = .queued
        queued.append(index)
        describe(buffers[index], into: &raw.pointee)
        lock.broadcast()
    }

    private func dequeue(_ raw: UnsafeMutablePointer<v4l2_buffer>, fd: Int32) throws(Errno) {
        try requireCaptureType(raw.pointee.type)
        try requireOwner(fd)
        guard streaming else { throw Errno.invalidArgument }
        produceDueLocked(now: MonotonicClock.now)
        if !present { throw Errno.noSuchDevice }
        if pendingWouldBlock > 0 {
            pendingWouldBlock -= 1
            throw Errno.wouldBlock
        }
        guard !done.isEmpty else { throw Errno.wouldBlock }
        let buffer = buffers[done.removeFirst()]
        buffer.state = .dequeued
        describe(buffer, into: &raw.pointee)
        if buffer.errorFlag { raw.pointee.flags |= UInt32(V4L2_BUF_FLAG_ERROR) }
        raw.pointee.bytesused = UInt32(buffer.bytesUsed)
        raw.pointee.sequence = buffer.sequence
        let seconds = buffer.timestamp.rounded(.down)
        raw.pointee.timestamp.tv_sec = Int(seconds)
        raw.pointee.timestamp.tv_usec = Int(((buffer.timestamp - seconds) * 1e6).rounded(.down))
        stats.framesDequeued += 1
        if stats.dequeuesPerBuffer.indices.contains(buffer.index) { stats.dequeuesPerBuffer[buffer.index] += 1 }
        let held = buffers.filter { $0.state == .dequeued }.count
        stats.maximumBuffersHeld = max(stats.maximumBuffersHeld, held)
    }

    private func streamOn(type: UInt32, fd: Int32) throws(Errno) {
        try requireCaptureType(type)
        try requireOwner(fd)
        guard !buffers.isEmpty else { throw Errno.invalidArgument }
        if !streaming {
            streaming = true
            stalled = false  // restarting the stream unsticks a stalled device
            streamSequence = 0
            nextFrameTime = MonotonicClock.now + interval.seconds
            stats.streamOnCount += 1
        }
    }

    private func streamOff(type: UInt32, fd: Int32) throws(Errno) {
        try requireCaptureType(type)
        try requireOwner(fd)
        streaming = false
        for buffer in buffers { buffer.state = .dequeued }
        queued = []
        done = []
    }
}
