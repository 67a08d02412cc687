import Capture
import Foundation
import Imaging
import Logging
import V4L2Emulation

extension FuzzTarget {
    /// What a camera driver answers (QUERYCAP, ENUM_FMT, ENUM_FRAMESIZES, ENUM_FRAMEINTERVALS), given as an emulated
    /// device's JSON description, through fer-live's real V4L2 code: `fer-live devices`' description, mode
    /// selection, streaming and frame decoding. The kernel side is the emulator behind the `V4L2System` seam.
    ///
    /// Sizes are clamped to 4096 so the emulator (not the code under test) does not build gigabyte frames.
    static let v4l2 = FuzzTarget(
        name: "v4l2", summary: "a camera's format answers (JSON device description) through device listing, mode selection, capture",
        maximumLength: 4 << 10
    ) { bytes in
        guard var device = try? JSONDecoder().decode(EmulatedDeviceConfiguration.self, from: Data(bytes)) else { return false }
        device.path = "/dev/video0"
        device.clock = .onDemand
        device.frames = []
        device.control = nil
        for index in device.formats.indices {
            for size in device.formats[index].sizes.indices {
                device.formats[index].sizes[size].width = min(device.formats[index].sizes[size].width, 4096)
                device.formats[index].sizes[size].height = min(device.formats[index].sizes[size].height, 4096)
            }
            if var range = device.formats[index].range {
                range.maxWidth = min(range.maxWidth, 4096)
                range.maxHeight = min(range.maxHeight, 4096)
                range.minWidth = min(range.minWidth, 4096)
                range.minHeight = min(range.minHeight, 4096)
                device.formats[index].range = range
            }
        }
        let system = EmulatedV4L2System()
        system.addDevice(device, pictures: [FuzzImages.colour64])
        _ = DeviceList.describe(path: device.path, system: system)
        let policy = CameraSource.ReconnectPolicy(initialDelay: 0, maximumDelay: 0, frameTimeout: 0.2)
        guard let camera = try? CameraSource(path: device.path, system: system, logger: fuzzLogger, reconnect: policy),
              let decoder = try? FrameDecoder(sourceName: device.path) else { return false }
        defer { camera.cancel() }
        var decoded = false
        for _ in 0..<2 {
            guard let frame = try? camera.next() else { break }
            if (try? decoder.decode(frame)) != nil { decoded = true }
        }
        return decoded
    }
}

/// Capture warnings go nowhere: the fuzzer's output is its own statistics.
private let fuzzLogger = Logger(label: "fer-live.fuzz") { _ in SwiftLogNoOpLogHandler() }
