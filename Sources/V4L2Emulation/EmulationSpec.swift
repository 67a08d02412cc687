import Foundation
import Imaging

/// The JSON file `FER_LIVE_V4L2_EMULATION` names: the emulated devices of an end-to-end run.
///
///     {"devices": [{"path": "/dev/video0", "byId": "usb-Emulated_Camera-video-index0",
///                   "card": "Emulated Camera", "formats": [{"format": "mjpeg",
///                   "sizes": [{"width": 640, "height": 480, "fps": [30, 15]}]}],
///                   "frames": ["face1.jpg", "face2.jpg"], "control": "/tmp/camera.control",
///                   "clock": "realtime"}]}
///
/// Frame paths are relative to the spec's folder. Writing "absent" into the control file unplugs
/// the device, "present" plugs it back ("present /dev/video2" at another node). "corrupt N" makes the
/// next N frames garbage (a broken USB transfer), "stall" stops the frames and "resume" restarts them; a
/// command acts when the file's content changes, so append a tag ("corrupt 50 #2") to repeat one.
public struct EmulationSpec: Codable, Sendable, Equatable {
    public var devices: [EmulatedDeviceConfiguration]

    public init(devices: [EmulatedDeviceConfiguration]) {
        self.devices = devices
    }
}

/// Why an emulation spec could not be used; one line naming the file.
public enum EmulationError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadableSpec(path: String, reason: String)
    case invalidSpec(path: String, reason: String)
    case unreadableFrame(spec: String, frame: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableSpec(let path, let reason):
            return "V4L2 emulation spec \(path): cannot read (\(reason))"
        case .invalidSpec(let path, let reason):
            return "V4L2 emulation spec \(path): \(reason)"
        case .unreadableFrame(let spec, let frame, let reason):
            return "V4L2 emulation spec \(spec): frame \(frame): \(reason)"
        }
    }
}

extension EmulatedV4L2System {
    /// The environment variable naming a JSON `EmulationSpec`.
    public static let environmentVariable = "FER_LIVE_V4L2_EMULATION"

    /// The emulated system `FER_LIVE_V4L2_EMULATION` describes, or nil when the variable is unset or empty.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(EmulationError) -> EmulatedV4L2System? {
        guard let path = environment[environmentVariable], !path.isEmpty else { return nil }
        return try load(specAt: path)
    }

    /// Builds the system a JSON spec file describes, decoding its frame images.
    public static func load(specAt path: String) throws(EmulationError) -> EmulatedV4L2System {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EmulationError.unreadableSpec(path: path, reason: (error as NSError).localizedDescription)
        }
        let spec: EmulationSpec
        do {
            spec = try JSONDecoder().decode(EmulationSpec.self, from: data)
        } catch let error as DecodingError {
            throw EmulationError.invalidSpec(path: path, reason: Self.describe(error))
        } catch {
            throw EmulationError.invalidSpec(path: path, reason: "\(error)")
        }
        guard !spec.devices.isEmpty else { throw EmulationError.invalidSpec(path: path, reason: "no devices") }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let system = EmulatedV4L2System()
        for device in spec.devices {
            guard device.path.hasPrefix("/") else {
                throw EmulationError.invalidSpec(path: path, reason: "device path \(device.path) is not absolute")
            }
            for format in device.formats {
                if let range = format.range {
                    guard range.minWidth > 0, range.minWidth <= range.maxWidth, range.minHeight > 0,
                          range.minHeight <= range.maxHeight, range.minFPS > 0, range.minFPS <= range.maxFPS else {
                        throw EmulationError.invalidSpec(path: path, reason: "\(device.path): format \(format.format) has an empty range")
                    }
                    continue
                }
                guard !format.sizes.isEmpty, format.sizes.allSatisfy({ $0.width > 0 && $0.height > 0 && !$0.fps.isEmpty && $0.fps.allSatisfy { $0 > 0 } }) else {
                    throw EmulationError.invalidSpec(path: path, reason: "\(device.path): format \(format.format) needs sizes with width, height and fps > 0")
                }
            }
            var pictures: [Image] = []
            for frame in device.frames {
                let url = frame.hasPrefix("/") ? URL(fileURLWithPath: frame) : folder.appendingPathComponent(frame)
                do {
                    pictures.append(try ImageCodec.decode(fileAt: url.path, as: .rgb8))
                } catch {
                    throw EmulationError.unreadableFrame(spec: path, frame: frame, reason: "\(error)")
                }
            }
            system.addDevice(device, pictures: pictures)
        }
        return system
    }

    private static func describe(_ error: DecodingError) -> String {
        func location(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "" : " at \(path)"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field \"\(key.stringValue)\"\(location(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription)\(location(context))"
        @unknown default: return "\(error)"
        }
    }
}
