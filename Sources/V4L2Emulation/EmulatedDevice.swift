import Capture
import CShims
import CV4L2
import Foundation
import Imaging

/// One emulated V4L2 node inside an `EmulatedV4L2System`: answers the ioctls, fills mmap buffers
/// on its frame clock, and can be unplugged, replugged and told to misbehave.
///
/// All state is guarded by the owning system's lock; the public methods may be called from any thread.
public final class EmulatedDevice: @unchecked Sendable {
    let lock: NSCondition
    let configuration: EmulatedDeviceConfiguration
    private let synthesizer: FrameSynthesizer
    private let pixelFormats: [V4L2PixelFormat]

    // Guarded by `lock`.
    var currentPath: String
    var present = true
    var generation = 0
    private var owner: Int32?
    private var formatIndex = 0
    private var width = 0
    private var height = 0
    private var interval = V4L2Fraction(numerator: 1, denominator: 30)
    private var buffers: [EmulatedBuffer] = []
    private var queued: [Int] = []
    private var done: [Int] = []
    private(set) var streaming = false
    private var streamSequence: UInt32 = 0
    private(set) var nextFrameTime = 0.0
    private var stalled = false
    private var pendingWouldBlock = 0
    private var scheduled: [Int: [EmulatedFault]] = [:]
    /// Frames still to come out as garbage (`.corruptFrame` faults add one each).
    private var corruptRemaining = 0
    private var errorNext = false
    private var stats = EmulatedDeviceStatistics()

    init(configuration: EmulatedDeviceConfiguration, pictures: [Image], lock: NSCondition) {
        self.lock = lock
        self.configuration = configuration
        self.currentPath = configuration.path
        self.synthesizer = FrameSynthesizer(pictures: pictures)
        self.pixelFormats = configuration.formats.map { Self.pixelFormat(named: $0.format) }
        resetModeLocked()
    }

    /// The fourcc for a spec's format name ("mjpeg", "yuyv", "grey", or four characters).
    static func pixelFormat(named name: String) -> V4L2PixelFormat {
        switch name.lowercased() {
        case "mjpeg", "mjpg": return .mjpeg
        case "jpeg": return .jpeg
        case "yuyv", "yuy2": return .yuyv
        case "grey", "gray": return .grey
        case "h264": return .h264
        default: return V4L2PixelFormat(fourCC: name.padding(toLength: 4, withPad: " ", startingAt: 0)) ?? .h264
        }
    }

    // MARK: - Control (tests and the control file)

    /// The node's current path (it may change on replug).
    public var path: String {
        lock.lock(); defer { lock.unlock() }
        return currentPath
    }

    /// False while unplugged.
    public var isPresent: Bool {
        lock.lock(); defer { lock.unlock() }
        return present
    }

    /// The /dev/v4l/by-id link path, if the device has one.
    public var byIDPath: String? { configuration.byID.map { "/dev/v4l/by-id/" + $0 } }

    /// Counters of what the application did.
    public var statistics: EmulatedDeviceStatistics {
        lock.lock(); defer { lock.unlock() }
        return stats
    }

    /// True while the application streams (between STREAMON and STREAMOFF/close/unplug).
    public var isStreaming: Bool {
        lock.lock(); defer { lock.unlock() }
        return streaming
    }

    /// Unplugs the device: the node and its by-id link vanish, every call on a descriptor already
    /// open fails with ENODEV (close and munmap still work), poll reports POLLERR | POLLHUP.
    public func unplug() {
        lock.lock()
        unplugLocked()
        lock.broadcast()
        lock.unlock()
    }

    /// Plugs the device back in, at `path` if given (another /dev/videoN), else where it was.
    /// It comes back fresh: default mode, no buffers, no faults.
    public func replug(at path: String? = nil) {
        lock.lock()
        replugLocked(at: path)
        lock.broadcast()
        lock.unlock()
    }

    func replugLocked(at path: String?) {
        if present { unplugLocked() }
        if let path { currentPath = path }
        present = true
        generation += 1
        resetModeLocked()
    }

    /// Applies `fault` now, or when the device produces frame number `frame` (counted from 0 over its lifetime).
    public func inject(_ fault: EmulatedFault, atFrame frame: Int? = nil) {
        lock.lock()
        if let frame, frame >= stats.framesProduced {
            scheduled[frame, default: []].append(fault)
        } else {
            applyLocked(fault)
        }
        lock.broadcast()
        lock.unlock()
    }

    /// Ends a stall: frames flow again.
    public func resume() {
        lock.lock()
        resumeLocked()
        lock.broadcast()
        lock.unlock()
    }

    /// Produces `count` frames now (the `.manual` clock; works with the others too).
    public func emitFrames(_ count: Int) {
        lock.lock()
        for _ in 0..<max(0, count) where streaming && present { produceOneLocked(now: MonotonicClock.now) }
        lock.broadcast()
        lock.unlock()
    }

    // MARK: - Driver side (called by the system with the lock held)

    /// Applies a fault named by the control file (the system's lock is held).
    func injectLocked(_ fault: EmulatedFault) {
        applyLocked(fault)
    }

    /// Ends a stall (the system's lock is held).
    func resumeLocked() {
        stalled = false
        nextFrameTime = MonotonicClock.now + interval.seconds
    }

    func unplugLocked() {
        guard present else { return }
        present = false
        releaseBuffersLocked()
        owner = nil
    }

    private func applyLocked(_ fault: EmulatedFault) {
        switch fault {
        case .wouldBlock(let count): pendingWouldBlock += count
        case .stall: stalled = true
        case .corruptFrame: corruptRemaining += 1
        case .errorFlag: errorNext = true
        case .unplug: unplugLocked()
        }
    }

    private func resetModeLocked() {
        releaseBuffersLocked()
        owner = nil
        stalled = false
        pendingWouldBlock = 0
        corruptRemaining = 0
        errorNext = false
        formatIndex = 0
        if let range = configuration.formats.first?.range {
            (width, height) = range.nearest(width: 640, height: 480)
            interval = V4L2Fraction(framesPerSecond: range.clamp(fps: 30))
        } else if let size = configuration.formats.first?.sizes.first {
            width = size.width
            height = size.height
            interval = V4L2Fraction(framesPerSecond: size.fps.first ?? 30)
        }
    }

    private func releaseBuffersLocked() {
        streaming = false
        buffers = []   // memory lives on while mapped (the system's mapping table holds the buffer)
        queued = []
        done = []
    }

    /// The file descriptor `fd` closed: if it owned the buffers, they are released.
    func closedLocked(fd: Int32) {
        if owner == fd {
            releaseBuffersLocked()
            owner = nil
        }
    }

    func buffer(atOffset offset: Int) -> EmulatedBuffer? {
        buffers.first { $0.offset == offset }
    }

    /// Produces the frames due by `now` on the device's clock.
    func produceDueLocked(now: Double) {
        guard streaming, present else { return }
        switch configuration.clock {
        case .realtime:
            if stalled {
                nextFrameTime = max(nextFrameTime, now)
                return
            }
            while streaming, present, !stalled, now >= nextFrameTime {
                produceOneLocked(now: nextFrameTime)
                nextFrameTime += interval.seconds
                if now - nextFrameTime > 1 { nextFrameTime = now + interval.seconds }
            }
        case .onDemand:
            if !stalled, done.isEmpty, !queued.isEmpty { produceOneLocked(now: now) }
        case .manual:
            break
        }
    }

    /// When the next frame is due on the real-time clock (nil for the other clocks or while stalled).
    func nextWakeLocked() -> Double? {
        guard streaming, present, !stalled, configuration.clock == .realtime else { return nil }
        return nextFrameTime
    }

    /// True when a filled buffer waits for DQBUF.
    var hasFrameLocked: Bool { !done.isEmpty }

    private func produceOneLocked(now: Double) {
        let number = stats.framesProduced
        if let faults = scheduled.removeValue(forKey: number) {
            for fault in faults { applyLocked(fault) }
            if !present || stalled { return }
        }
        stats.framesProduced += 1
        defer { streamSequence &+= 1 }
        guard !queued.isEmpty else {
            stats.framesDropped += 1
            return
        }
        let buffer = buffers[queued.removeFirst()]
        let format = pixelFormats[formatIndex]
        var bytes: [UInt8]
        if corruptRemaining > 0 {
            bytes = FrameSynthesizer.corruptJPEG(seed: number)
            corruptRemaining -= 1
        } else {
            bytes = synthesizer.frame(number, format: format, width: width, height: height,
                                      linePadding: configuration.linePadding) ?? []
        }
        if bytes.count > buffer.length { bytes = Array(bytes.prefix(buffer.length)) }
        buffer.fill(bytes, sequence: streamSequence, timestamp: now, error: errorNext)
        errorNext = false
        done.append(buffer.index)
    }

    // MARK: - ioctls

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
            let format = argument.assumingMemoryBound(to: v4l2_format.self)
            try requireCaptureType(format.pointee.type)
            fillFormat(&format.pointee, index: formatIndex, width: width, height: height)
        case FER_VIDIOC_S_FMT, FER_VIDIOC_TRY_FMT:
            try setFormat(argument.assumingMemoryBound(to: v4l2_format.self), fd: fd,
                          commit: request == FER_VIDIOC_S_FMT)
        case FER_VIDIOC_G_PARM, FER_VIDIOC_S_PARM:
            try parameters(argument.assumingMemoryBound(to: v4l2_streamparm.self), set: request == FER_VIDIOC_S_PARM)
        case FER_VIDIOC_REQBUFS:
            try requestBuffers(argument.assumingMemoryBound(to: v4l2_requestbuffers.self), fd: fd)
        case FER_VIDIOC_QUERYBUF:
            let buffer = argument.assumingMemoryBound(to: v4l2_buffer.self)
            try requireCaptureType(buffer.pointee.type)
            let index = Int(buffer.pointee.index)
            guard buffers.indices.contains(index) else { throw Errno.invalidArgument }
            describe(buffers[index], into: &buffer.pointee)
        case FER_VIDIOC_QBUF:
            try queue(argument.assumingMemoryBound(to: v4l2_buffer.self), fd: fd)
        case FER_VIDIOC_DQBUF:
            try dequeue(argument.assumingMemoryBound(to: v4l2_buffer.self), fd: fd)
        case FER_VIDIOC_STREAMON:
            try requireCaptureType(UInt32(bitPattern: argument.load(as: Int32.self)))
            try requireOwner(fd)
            guard !buffers.isEmpty else { throw Errno.invalidArgument }
            if !streaming {
                streaming = true
                stalled = false  // restarting the stream unsticks a stalled device
                streamSequence = 0
                nextFrameTime = MonotonicClock.now + interval.seconds
                stats.streamOnCount += 1
            }
        case FER_VIDIOC_STREAMOFF:
            try requireCaptureType(UInt32(bitPattern: argument.load(as: Int32.self)))
            try requireOwner(fd)
            streaming = false
            for buffer in buffers { buffer.state = .dequeued }
            queued = []
            done = []
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

    private var capturesVideo: Bool { configuration.kind == .capture }

    private func requireCaptureType(_ type: UInt32) throws(Errno) {
        guard capturesVideo, type == V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue else { throw Errno.invalidArgument }
    }

    private func requireOwner(_ fd: Int32) throws(Errno) {
        guard owner == fd else { throw owner == nil ? Errno.invalidArgument : Errno.busy }
    }

    private func enumerateFormat(_ description: UnsafeMutablePointer<v4l2_fmtdesc>) throws(Errno) {
        try requireCaptureType(description.pointee.type)
        let index = Int(description.pointee.index)
        guard pixelFormats.indices.contains(index) else { throw Errno.invalidArgument }
        let format = pixelFormats[index]
        description.pointee.pixelformat = format.rawValue
        let compressed = format == .mjpeg || format == .jpeg || format == .h264
        description.pointee.flags = compressed ? UInt32(V4L2_FMT_FLAG_COMPRESSED) : 0
        let name: String
        switch format {
        case .mjpeg: name = "Motion-JPEG"
        case .jpeg: name = "JFIF JPEG"
        case .yuyv: name = "YUYV 4:2:2"
        case .grey: name = "8-bit Greyscale"
        case .h264: name = "H.264"
        default: name = format.fourCC
        }
        CTuple.fill(&description.pointee.description, with: name)
    }

    private func formatIndex(of pixelFormat: UInt32) -> Int? {
        pixelFormats.firstIndex { $0.rawValue == pixelFormat }
    }

    private func enumerateSize(_ entry: UnsafeMutablePointer<v4l2_frmsizeenum>) throws(Errno) {
        guard capturesVideo, let format = formatIndex(of: entry.pointee.pixel_format) else { throw Errno.invalidArgument }
        if let range = configuration.formats[format].range {
            guard entry.pointee.index == 0 else { throw Errno.invalidArgument }
            entry.pointee.type = V4L2_FRMSIZE_TYPE_STEPWISE.rawValue
            entry.pointee.stepwise = v4l2_frmsize_stepwise(
                min_width: UInt32(range.minWidth), max_width: UInt32(range.maxWidth), step_width: UInt32(range.stepWidth),
                min_height: UInt32(range.minHeight), max_height: UInt32(range.maxHeight), step_height: UInt32(range.stepHeight))
            return
        }
        let sizes = configuration.formats[format].sizes
        let index = Int(entry.pointee.index)
        guard sizes.indices.contains(index) else { throw Errno.invalidArgument }
        entry.pointee.type = V4L2_FRMSIZE_TYPE_DISCRETE.rawValue
        entry.pointee.discrete.width = UInt32(sizes[index].width)
        entry.pointee.discrete.height = UInt32(sizes[index].height)
    }

    private func enumerateInterval(_ entry: UnsafeMutablePointer<v4l2_frmivalenum>) throws(Errno) {
        if capturesVideo, let format = formatIndex(of: entry.pointee.pixel_format),
           let range = configuration.formats[format].range {
            guard entry.pointee.index == 0,
                  range.contains(width: Int(entry.pointee.width), height: Int(entry.pointee.height))
            else { throw Errno.invalidArgument }
            let fastest = V4L2Fraction(framesPerSecond: range.maxFPS)
            let slowest = V4L2Fraction(framesPerSecond: range.minFPS)
            entry.pointee.type = V4L2_FRMIVAL_TYPE_CONTINUOUS.rawValue
            entry.pointee.stepwise = v4l2_frmival_stepwise(
                min: v4l2_fract(numerator: fastest.numerator, denominator: fastest.denominator),
                max: v4l2_fract(numerator: slowest.numerator, denominator: slowest.denominator),
                step: v4l2_fract(numerator: 1, denominator: 1))
            return
        }
        guard capturesVideo, let format = formatIndex(of: entry.pointee.pixel_format),
              let size = configuration.formats[format].sizes.first(where: {
                  $0.width == Int(entry.pointee.width) && $0.height == Int(entry.pointee.height)
              })
        else { throw Errno.invalidArgument }
        let index = Int(entry.pointee.index)
        guard size.fps.indices.contains(index) else { throw Errno.invalidArgument }
        let fraction = V4L2Fraction(framesPerSecond: size.fps[index])
        entry.pointee.type = V4L2_FRMIVAL_TYPE_DISCRETE.rawValue
        entry.pointee.discrete.numerator = fraction.numerator
        entry.pointee.discrete.denominator = fraction.denominator
    }

    private func lineLength(_ format: V4L2PixelFormat, width: Int) -> Int {
        switch format {
        case .yuyv: return width * 2 + configuration.linePadding
        case .grey: return width + configuration.linePadding
        default: return 0
        }
    }

    private func imageSize(_ format: V4L2PixelFormat, width: Int, height: Int) -> Int {
        let line = lineLength(format, width: width)
        return line > 0 ? line * height : max(width * height * 2, 65_536)
    }

    private func fillFormat(_ format: inout v4l2_format, index: Int, width: Int, height: Int) {
        let pixelFormat = pixelFormats[index]
        var pix = v4l2_pix_format()
        pix.width = UInt32(width)
        pix.height = UInt32(height)
        pix.pixelformat = pixelFormat.rawValue
        pix.field = V4L2_FIELD_NONE.rawValue
        pix.bytesperline = UInt32(lineLength(pixelFormat, width: width))
        pix.sizeimage = UInt32(imageSize(pixelFormat, width: width, height: height))
        pix.colorspace = pixelFormat == .mjpeg || pixelFormat == .jpeg
            ? V4L2_COLORSPACE_JPEG.rawValue : V4L2_COLORSPACE_SMPTE170M.rawValue
        format.fmt.pix = pix
    }

    private func setFormat(_ format: UnsafeMutablePointer<v4l2_format>, fd: Int32, commit: Bool) throws(Errno) {
        try requireCaptureType(format.pointee.type)
        guard !pixelFormats.isEmpty else { throw Errno.invalidArgument }
        if commit, (owner != nil && owner != fd) || streaming || !buffers.isEmpty { throw Errno.busy }
        // Like real drivers: an unknown format becomes the first one, a size the nearest listed one.
        let index = formatIndex(of: format.pointee.fmt.pix.pixelformat) ?? 0
        let wantedWidth = Int(format.pointee.fmt.pix.width), wantedHeight = Int(format.pointee.fmt.pix.height)
        if let range = configuration.formats[index].range {
            let (newWidth, newHeight) = range.nearest(width: wantedWidth, height: wantedHeight)
            fillFormat(&format.pointee, index: index, width: newWidth, height: newHeight)
            guard commit else { return }
            formatIndex = index
            width = newWidth
            height = newHeight
            interval = V4L2Fraction(framesPerSecond: range.clamp(fps: interval.framesPerSecond))
            return
        }
        let sizes = configuration.formats[index].sizes
        guard let size = sizes.min(by: {
            abs($0.width - wantedWidth) + abs($0.height - wantedHeight)
                < abs($1.width - wantedWidth) + abs($1.height - wantedHeight)
        }) else { throw Errno.invalidArgument }
        fillFormat(&format.pointee, index: index, width: size.width, height: size.height)
        guard commit else { return }
        formatIndex = index
        width = size.width
        height = size.height
        let rates = size.fps
        if !rates.contains(where: { abs($0 - interval.framesPerSecond) < 0.01 }) {
            interval = V4L2Fraction(framesPerSecond: rates.first ?? 30)
        }
    }

    private func parameters(_ parameters: UnsafeMutablePointer<v4l2_streamparm>, set: Bool) throws(Errno) {
        try requireCaptureType(parameters.pointee.type)
        if set {
            if streaming { throw Errno.busy }
            let wanted = parameters.pointee.parm.capture.timeperframe
            if wanted.numerator > 0, wanted.denominator > 0, let range = configuration.formats[formatIndex].range {
                interval = V4L2Fraction(framesPerSecond: range.clamp(fps: Double(wanted.denominator) / Double(wanted.numerator)))
            } else if wanted.numerator > 0, wanted.denominator > 0,
               let size = configuration.formats[formatIndex].sizes.first(where: { $0.width == width && $0.height == height }) {
                let fps = Double(wanted.denominator) / Double(wanted.numerator)
                if let nearest = size.fps.min(by: { abs($0 - fps) < abs($1 - fps) }) {
                    interval = V4L2Fraction(framesPerSecond: nearest)
                }
            }
        }
        var parm = v4l2_streamparm()
        parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        parm.parm.capture.capability = UInt32(V4L2_CAP_TIMEPERFRAME)
        parm.parm.capture.timeperframe.numerator = interval.numerator
        parm.parm.capture.timeperframe.denominator = interval.denominator
        parameters.pointee = parm
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

    func openedLocked() {
        stats.openCount += 1
    }
}
