import Capture

/// One capture buffer of an emulated device: memory the emulator owns, maps and fills.
/// Freed when neither the device nor a mapping holds it any more.
final class EmulatedBuffer {
    enum State {
        /// Owned by the application: after REQBUFS, or after DQBUF until QBUF.
        case dequeued
        /// Queued, waiting to be filled.
        case queued
        /// Filled, waiting for DQBUF.
        case done
    }

    let index: Int
    let length: Int
    /// The fake mmap offset QUERYBUF reports.
    let offset: Int
    let memory: UnsafeMutableRawPointer
    var state: State = .dequeued
    var bytesUsed = 0
    var sequence: UInt32 = 0
    var timestamp = 0.0
    var errorFlag = false
    /// Mappings of this buffer still alive.
    var mappings = 0

    init(index: Int, length: Int) {
        self.index = index
        self.length = length
        self.offset = index * ((length + 4095) / 4096 * 4096)
        memory = UnsafeMutableRawPointer.allocate(byteCount: max(length, 1), alignment: 4096)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: max(length, 1))
    }

    deinit { memory.deallocate() }

    /// Copies `bytes` in (flagging an error if they do not fit).
    func fill(_ bytes: [UInt8], sequence: UInt32, timestamp: Double, error: Bool) {
        self.sequence = sequence
        self.timestamp = timestamp
        if bytes.count > length {
            errorFlag = true
            bytesUsed = 0
        } else {
            bytes.withUnsafeBytes { raw in
                if let base = raw.baseAddress { memory.copyMemory(from: base, byteCount: raw.count) }
            }
            bytesUsed = bytes.count
            errorFlag = error
        }
        state = .done
    }
}
