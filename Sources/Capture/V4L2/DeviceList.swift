/// One V4L2 node as `fer-live devices` shows it.
public struct V4L2DeviceInfo: Sendable, Equatable {
    /// The node, e.g. "/dev/video0".
    public var path: String
    /// Stable /dev/v4l/by-id links that point at this node (empty for built-in or virtual devices).
    public var byIDPaths: [String]
    /// QUERYCAP's names and capability bits; nil when the node could not be opened.
    public var capabilities: V4L2Capabilities?
    /// The native formats with sizes and rates (empty for non-capture nodes).
    public var formats: [V4L2FormatDescription]
    /// Why the node could not be opened or enumerated (permission denied, busy, ...), nil if it could.
    public var error: String?

    public init(path: String, byIDPaths: [String], capabilities: V4L2Capabilities?,
                formats: [V4L2FormatDescription], error: String?) {
        self.path = path
        self.byIDPaths = byIDPaths
        self.capabilities = capabilities
        self.formats = formats
        self.error = error
    }

    /// True when the node can be streamed from.
    public var canCapture: Bool { capabilities?.canCapture ?? false }
}

/// Finds the V4L2 nodes on the system: every /dev/videoN with its names, by-id links, formats, sizes and rates.
///
/// Non-capture nodes (the metadata node a UVC camera adds beside its video node, output and codec
/// nodes) are listed too, marked by their role and without formats, so that every /dev/videoN is accounted for.
public enum DeviceList {
    /// Where udev puts stable per-camera links.
    public static let byIDDirectory = "/dev/v4l/by-id"

    /// Every /dev/videoN, in numeric order.
    public static func scan(system: any V4L2System = LinuxV4L2System(), deviceDirectory: String = "/dev") -> [V4L2DeviceInfo] {
        let names = (try? system.contentsOfDirectory(deviceDirectory)) ?? []
        let nodes = names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("video"), let number = Int(name.dropFirst(5)) else { return nil }
            return (number, deviceDirectory + "/" + name)
        }.sorted { $0.0 < $1.0 }.map(\.1)
        let links = byIDLinks(system: system)
        return nodes.map { path in
            let byID = links.filter { $0.target == path }.map(\.link).sorted()
            return describe(path: path, byIDPaths: byID, system: system)
        }
    }

    /// The /dev/v4l/by-id links and the nodes they resolve to (empty when the directory does not exist).
    public static func byIDLinks(system: any V4L2System = LinuxV4L2System()) -> [(link: String, target: String)] {
        let names = (try? system.contentsOfDirectory(byIDDirectory)) ?? []
        return names.sorted().compactMap { name in
            let link = byIDDirectory + "/" + name
            guard let target = try? system.resolvingSymlinks(link) else { return nil }
            return (link, target)
        }
    }

    /// Opens one node (without requiring capture) and reads its capabilities and formats.
    public static func describe(path: String, byIDPaths: [String] = [],
                                system: any V4L2System = LinuxV4L2System()) -> V4L2DeviceInfo {
        do {
            let device = try V4L2Device(path: path, system: system, requireCapture: false)
            defer { device.close() }
            do {
                let formats = try device.enumerateFormats()
                return V4L2DeviceInfo(path: path, byIDPaths: byIDPaths, capabilities: device.capabilities,
                                      formats: formats, error: nil)
            } catch {
                return V4L2DeviceInfo(path: path, byIDPaths: byIDPaths, capabilities: device.capabilities,
                                      formats: [], error: error.description)
            }
        } catch {
            return V4L2DeviceInfo(path: path, byIDPaths: byIDPaths, capabilities: nil, formats: [],
                                  error: error.description)
        }
    }
}
