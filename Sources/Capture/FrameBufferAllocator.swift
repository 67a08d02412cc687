import Glibc

/// Process-wide malloc tuning for per-frame buffers (call once at startup, before the pipeline runs).
///
/// Every frame allocates new planes (a 1080p frame is 3 MB, 640x480 4:2:0 is 460 kB). glibc serves
/// blocks that large with mmap and returns them with munmap or heap trimming until its dynamic
/// threshold adapts, so frame buffers keep faulting their pages in again. Measured here
/// (`FileSourceBenchmarks`): 640x480 MJPEG went from 46 to 5 page faults per frame; a loop that only
/// allocates and splits 640x480 YUYV frames went from 0.46 ms to 0.03 ms per frame. Raising the mmap
/// and trim thresholds keeps freed frame buffers in the heap for the next frame.
public enum FrameBufferAllocator {
    /// Serves blocks up to `largestFrame` bytes from the heap and keeps up to twice that free
    /// before trimming; true when glibc accepted both settings.
    @discardableResult
    public static func retainFreedFrameBuffers(largestFrame: Int = 32 << 20) -> Bool {
        // <malloc.h> is not part of Swift's Glibc module: look mallopt up in the C library.
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return false }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let mmap = mallopt(mmapThreshold, Int32(clamping: largestFrame)) == 1
        let trim = mallopt(trimThreshold, Int32(clamping: 2 * largestFrame)) == 1
        return mmap && trim
    }

    /// M_MMAP_THRESHOLD
    private static let mmapThreshold: Int32 = -3
    /// M_TRIM_THRESHOLD
    private static let trimThreshold: Int32 = -1
}
