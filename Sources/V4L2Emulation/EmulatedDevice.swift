import Capture
import Foundation
import Imaging

/// One emulated V4L2 node inside an `EmulatedV4L2System`: answers the ioctls, fills mmap buffers
/// on its frame clock, and can be unplugged, replugged and told to misbehave.
///
/// All state is guarded by the owning system's lock; the public methods may be called from any thread.
public final class EmulatedDevice: @unchecked Sendable {
    // @unchecked Sendable: every stored var is read and written with `lock` held (the owning system's NSCondition,
    // which `poll` waits on); the public methods take it themselves.
    let lock: NSCondition
    let configuration: EmulatedDeviceConfiguration
    // The state below is internal rather than private only so that the extensions in
    // EmulatedDevice+Clock.swift, +IOCTL.swift and +Formats.swift can reach it.
    let synthesizer: FrameSynthesizer
    let pixelFormats: [V4L2PixelFormat]

    // Guarded by `lock`.
    var currentPath: String
    var present = true
    var generation = 0
    var owner: Int32?
    var formatIndex = 0
    var width = 0
    var height = 0
    var interval = V4L2Fraction(numerator: 1, denominator: 30)
    var buffers: [EmulatedBuffer] = []
    var queued: [Int] = []
    var done: [Int] = []
    var streaming = false
    var streamSequence: UInt32 = 0
    var nextFrameTime = 0.0
    var stalled = false
    var pendingWouldBlock = 0
    var scheduled: [Int: [EmulatedFault]] = [:]
    /// Frames still to come out as garbage (`.corruptFrame` faults add one each).
    var corruptRemaining = 0
    var errorNext = false
    var stats = EmulatedDeviceStatistics()

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

    func applyLocked(_ fault: EmulatedFault) {
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

    func releaseBuffersLocked() {
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

    func openedLocked() {
        stats.openCount += 1
    }
}
