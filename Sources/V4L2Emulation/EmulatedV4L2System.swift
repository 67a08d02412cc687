import Capture
import Foundation
import Imaging

/// An in-process V4L2 system: emulated device nodes that speak the real ioctl protocol on the real
/// structs, for tests and for end-to-end runs of fer-live without a camera.
///
/// It emulates the parts of the file system capture looks at (/dev/videoN nodes, /dev/v4l/by-id
/// links, and extra files for error cases), descriptors, mmap'ed buffers and poll. It counts open
/// descriptors and live mappings so tests can assert that a teardown released everything.
public final class EmulatedV4L2System: V4L2System, @unchecked Sendable {
    // @unchecked Sendable: every stored var (devices, descriptors, mappings) is guarded by `lock`, an NSCondition
    // because `poll` must wait for frames; every V4L2System call takes it.
    /// Guards every emulated object; devices share it and wait on it in `poll`.
    let lock = NSCondition()
    private var devices: [EmulatedDevice] = []
    private var extraFiles: [String: ExtraFile] = [:]
    private var deniedPaths: Set<String> = []
    private var files: [Int32: OpenFile] = [:]
    private var nextDescriptor: Int32 = 1000
    private var mappings: [UnsafeMutableRawPointer: EmulatedBuffer] = [:]
    private var controls: [ControlFile] = []

    private enum ExtraFile {
        case kind(FileKind)
        /// A character device that is not V4L2 (like /dev/null).
        case otherCharacterDevice
    }

    private struct OpenFile {
        let device: EmulatedDevice
        let generation: Int
    }

    /// Where by-id links live.
    public static let byIDDirectory = "/dev/v4l/by-id"

    /// An empty system; add devices with `addDevice`.
    public init() {}

    /// Adds a device node whose frames are made from `pictures` (a colour-bar pattern when empty).
    @discardableResult
    public func addDevice(_ configuration: EmulatedDeviceConfiguration, pictures: [Image] = []) -> EmulatedDevice {
        let device = EmulatedDevice(configuration: configuration, pictures: pictures, lock: lock)
        lock.lock()
        devices.append(device)
        if let control = configuration.control { controls.append(ControlFile(path: control, device: device)) }
        lock.unlock()
        return device
    }

    /// Adds a plain file, directory or other non-device at `path` (for error cases).
    public func addFile(_ path: String, kind: FileKind) {
        lock.lock(); extraFiles[path] = .kind(kind); lock.unlock()
    }

    /// Adds a character device that is not a V4L2 device (like /dev/null): opening it fails with ENOTTY.
    public func addNonV4L2CharacterDevice(_ path: String) {
        lock.lock(); extraFiles[path] = .otherCharacterDevice; lock.unlock()
    }

    /// Makes opening `path` fail with EACCES.
    public func denyPermission(_ path: String) {
        lock.lock(); deniedPaths.insert(path); lock.unlock()
    }

    /// The device whose node is now at `path` (or whose by-id link is `path`).
    public func device(at path: String) -> EmulatedDevice? {
        lock.lock(); defer { lock.unlock() }
        return devices.first { $0.currentPath == path || $0.byIDPath == path }
    }

    /// Every emulated device, present or not.
    public var allDevices: [EmulatedDevice] {
        lock.lock(); defer { lock.unlock() }
        return devices
    }

    /// Descriptors open now.
    public var openDescriptorCount: Int {
        lock.lock(); defer { lock.unlock() }
        return files.count
    }

    /// Buffer mappings alive now.
    public var mappingCount: Int {
        lock.lock(); defer { lock.unlock() }
        return mappings.values.reduce(0) { $0 + $1.mappings }
    }

    // MARK: - File system

    private func presentDevice(at path: String) -> EmulatedDevice? {
        devices.first { $0.present && $0.currentPath == path }
    }

    private var byIDLinks: [String: String] {
        var links: [String: String] = [:]
        for device in devices where device.present {
            if let name = device.configuration.byID { links[name] = device.currentPath }
        }
        return links
    }

    /// Follows a by-id link; nil when `path` is a by-id path whose device is gone.
    private func resolveLocked(_ path: String) -> String? {
        let prefix = Self.byIDDirectory + "/"
        guard path.hasPrefix(prefix) else { return path }
        return byIDLinks[String(path.dropFirst(prefix.count))]
    }

    private func directoryExistsLocked(_ path: String) -> Bool {
        switch path {
        case "/dev": return true
        case "/dev/v4l", Self.byIDDirectory: return !byIDLinks.isEmpty
        default:
            if case .kind(.directory) = extraFiles[path] { return true }
            return false
        }
    }

    public func fileKind(at path: String) throws(Errno) -> FileKind {
        lock.lock(); defer { lock.unlock() }
        refreshControlsLocked()
        guard let resolved = resolveLocked(path) else { throw Errno.noSuchFile }
        if presentDevice(at: resolved) != nil { return .characterDevice }
        if directoryExistsLocked(resolved) { return .directory }
        switch extraFiles[resolved] {
        case .kind(let kind): return kind
        case .otherCharacterDevice: return .characterDevice
        case nil: throw Errno.noSuchFile
        }
    }

    public func open(_ path: String) throws(Errno) -> Int32 {
        lock.lock(); defer { lock.unlock() }
        refreshControlsLocked()
        guard let resolved = resolveLocked(path) else { throw Errno.noSuchFile }
        if deniedPaths.contains(path) || deniedPaths.contains(resolved) { throw Errno.permissionDenied }
        if let device = presentDevice(at: resolved) {
            if device.configuration.permissionDenied { throw Errno.permissionDenied }
            if device.configuration.kind == .notV4L2 { throw Errno.notATypewriter }
            let fd = nextDescriptor
            nextDescriptor += 1
            files[fd] = OpenFile(device: device, generation: device.generation)
            device.openedLocked()
            return fd
        }
        if directoryExistsLocked(resolved) { throw Errno.isDirectory }
        switch extraFiles[resolved] {
        case .kind(.directory): throw Errno.isDirectory
        case .kind, .otherCharacterDevice: throw Errno.notATypewriter
        case nil: throw Errno.noSuchFile
        }
    }

    public func close(_ fd: Int32) throws(Errno) {
        lock.lock(); defer { lock.unlock() }
        guard let file = files.removeValue(forKey: fd) else { throw Errno.badFileDescriptor }
        if file.generation == file.device.generation { file.device.closedLocked(fd: fd) }
        lock.broadcast()
    }

    /// The device behind `fd`, or ENODEV when it was unplugged since the descriptor was opened.
    private func liveDeviceLocked(_ fd: Int32) throws(Errno) -> EmulatedDevice {
        guard let file = files[fd] else { throw Errno.badFileDescriptor }
        guard file.device.present, file.generation == file.device.generation else { throw Errno.noSuchDevice }
        return file.device
    }

    public func ioctl(_ fd: Int32, _ request: UInt, _ argument: UnsafeMutableRawPointer) throws(Errno) {
        lock.lock(); defer { lock.unlock() }
        refreshControlsLocked()
        let device = try liveDeviceLocked(fd)
        try device.ioctlLocked(fd: fd, request: request, argument: argument)
    }

    public func mmap(_ fd: Int32, length: Int, offset: Int) throws(Errno) -> UnsafeMutableRawPointer {
        lock.lock(); defer { lock.unlock() }
        let device = try liveDeviceLocked(fd)
        guard let buffer = device.buffer(atOffset: offset), length > 0, length <= buffer.length else {
            throw Errno.invalidArgument
        }
        buffer.mappings += 1
        mappings[buffer.memory] = buffer
        return buffer.memory
    }

    public func munmap(_ address: UnsafeMutableRawPointer, length: Int) throws(Errno) {
        lock.lock(); defer { lock.unlock() }
        guard let buffer = mappings[address], buffer.mappings > 0 else { throw Errno.invalidArgument }
        buffer.mappings -= 1
        if buffer.mappings == 0 { mappings[address] = nil }
    }

    public func poll(_ fd: Int32, timeoutMilliseconds: Int) throws(Errno) -> PollEvents {
        lock.lock(); defer { lock.unlock() }
        let deadline = MonotonicClock.now + Double(max(0, timeoutMilliseconds)) / 1000
        while true {
            refreshControlsLocked()
            guard let file = files[fd] else { throw Errno.badFileDescriptor }
            let device = file.device
            guard device.present, file.generation == device.generation else { return [.error, .hangup] }
            guard device.streaming else { return [.error] }
            let now = MonotonicClock.now
            device.produceDueLocked(now: now)
            if device.hasFrameLocked { return [.readable] }
            if !device.present { return [.error, .hangup] }
            if now >= deadline { return [] }
            var wake = deadline
            if let due = device.nextWakeLocked() { wake = min(wake, due) }
            if !controls.isEmpty { wake = min(wake, now + ControlFile.interval) }
            _ = lock.wait(until: Date(timeIntervalSinceNow: max(0, wake - now)))
        }
    }

    public func contentsOfDirectory(_ path: String) throws(Errno) -> [String] {
        lock.lock(); defer { lock.unlock() }
        refreshControlsLocked()
        if path == Self.byIDDirectory {
            let links = byIDLinks
            guard !links.isEmpty else { throw Errno.noSuchFile }
            return Array(links.keys)
        }
        guard directoryExistsLocked(path) else {
            throw extraFiles[path] != nil || presentDevice(at: path) != nil ? Errno.notDirectory : Errno.noSuchFile
        }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        var names = Set<String>()
        let paths = devices.filter(\.present).map(\.currentPath) + Array(extraFiles.keys)
        for entry in paths where entry.hasPrefix(prefix) {
            if let name = entry.dropFirst(prefix.count).split(separator: "/").first { names.insert(String(name)) }
        }
        if path == "/dev", !byIDLinks.isEmpty { names.insert("v4l") }
        return Array(names)
    }

    public func resolvingSymlinks(_ path: String) throws(Errno) -> String {
        lock.lock(); defer { lock.unlock() }
        refreshControlsLocked()
        guard let resolved = resolveLocked(path) else { throw Errno.noSuchFile }
        guard presentDevice(at: resolved) != nil || extraFiles[resolved] != nil || directoryExistsLocked(resolved) else {
            throw Errno.noSuchFile
        }
        return resolved
    }

    // MARK: - Control files

    /// A file whose content plugs a device in ("present", "present /dev/video2") or out ("absent").
    private final class ControlFile {
        static let interval = 0.05
        let path: String
        let device: EmulatedDevice
        var lastRead = -Double.infinity
        var lastContent: String?

        init(path: String, device: EmulatedDevice) {
            self.path = path
            self.device = device
        }
    }

    /// Re-reads the control files (at most every 50 ms) and plugs devices in or out to match.
    private func refreshControlsLocked() {
        guard !controls.isEmpty else { return }
        let now = MonotonicClock.now
        for control in controls where now - control.lastRead >= ControlFile.interval {
            control.lastRead = now
            guard let text = try? String(contentsOfFile: control.path, encoding: .utf8) else { continue }
            let content = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard content != control.lastContent else { continue }
            control.lastContent = content
            let words = content.split(separator: " ").map(String.init)
            let device = control.device
            switch words.first {
            case "absent":
                device.unplugLocked()
            case "present":
                let path = words.count > 1 ? words[1] : device.currentPath
                if !device.present || path != device.currentPath { device.replugLocked(at: path) }
            case "corrupt":
                // "corrupt N #tag": the next N frames are garbage; a new tag makes the same count a new burst.
                let count = words.count > 1 ? Int(words[1]) ?? 1 : 1
                for _ in 0..<min(max(count, 0), 100_000) { device.injectLocked(.corruptFrame) }
            case "stall":
                device.injectLocked(.stall)
            case "resume":
                device.resumeLocked()
            default:
                continue
            }
            lock.broadcast()
        }
    }
}
