/// A failure an emulated device can be told to show, now or at a given frame.
public enum EmulatedFault: Sendable, Equatable {
    /// The next `count` VIDIOC_DQBUF calls fail with EAGAIN even though poll said a frame was ready.
    case wouldBlock(count: Int)
    /// No more frames until `EmulatedDevice.resume()` or the next STREAMON: the application's poll times out.
    case stall
    /// The frame is garbage that starts with a JPEG SOI marker (a broken USB transfer).
    case corruptFrame
    /// The frame's buffer comes back with V4L2_BUF_FLAG_ERROR.
    case errorFlag
    /// The device is unplugged (see `EmulatedDevice.unplug()`).
    case unplug
}

/// Counters an emulated device keeps so tests can check how the application used it.
public struct EmulatedDeviceStatistics: Sendable, Equatable {
    /// Frames the device produced or dropped since it was created (the fault schedule counts these).
    public var framesProduced = 0
    /// Frames the application dequeued.
    public var framesDequeued = 0
    /// Frames dropped because the application had no buffer queued.
    public var framesDropped = 0
    /// How often each buffer index was dequeued (in the current buffer set).
    public var dequeuesPerBuffer: [Int] = []
    /// The most buffers the application held at once (dequeued, not yet queued again).
    public var maximumBuffersHeld = 0
    /// VIDIOC_STREAMON calls that succeeded.
    public var streamOnCount = 0
    /// Successful opens of the node.
    public var openCount = 0
}
