import Detection
import Foundation

/// Finds the `Models/` folder whether fer-live runs from the build tree or is installed.
public struct ModelLocator: Sendable {
    /// Why no models folder was found.
    public struct NotFound: Error, CustomStringConvertible {
        public let searched: [String]
        public var description: String {
            "no models folder found (looked in \(searched.joined(separator: ", "))); pass --models DIR"
        }
    }

    /// The folder holding `detection/` and `emotion/`.
    public let directory: URL

    /// A marker file every models folder has.
    static let marker = "detection/yunet_s.onnx"

    /// Uses `explicit` (`--models DIR`) when given; otherwise `$FER_LIVE_MODELS`, the install
    /// prefix beside the executable (`../share/fer-live/models`), the build tree's `Models/`,
    /// then `/usr/local/share` and `/usr/share`.
    public init(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        if let explicit {
            let url = URL(fileURLWithPath: explicit)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent(Self.marker).path) else {
                throw NotFound(searched: ["\(explicit) (given with --models, has no \(Self.marker))"])
            }
            directory = url
            return
        }
        var candidates: [URL] = []
        if let env = environment["FER_LIVE_MODELS"] { candidates.append(URL(fileURLWithPath: env)) }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = executable.deletingLastPathComponent()
        candidates.append(dir.appendingPathComponent("../share/fer-live/models").standardized)
        // The build tree: .build/<config>/fer-live → the repository's Models/.
        while dir.path != "/" {
            candidates.append(dir.appendingPathComponent("Models"))
            dir.deleteLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: "/usr/local/share/fer-live/models"))
        candidates.append(URL(fileURLWithPath: "/usr/share/fer-live/models"))
        guard let found = candidates.first(where: {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent(Self.marker).path)
        }) else {
            throw NotFound(searched: candidates.map(\.path).filter { !$0.hasSuffix("/Models") } + ["Models/ above the executable"])
        }
        directory = found
    }

    /// The default face detector.
    public var detector: URL { directory.appendingPathComponent("detection/yunet_s.onnx") }

    /// The three networks of the MTCNN detector (`detection/mtcnn_{pnet,rnet,onet}.onnx`).
    public var mtcnn: MTCNNModelFiles { MTCNNModelFiles(directory: directory.appendingPathComponent("detection")) }

    /// The default emotion classifier.
    public var classifier: URL { classifier(named: Self.defaultClassifier) }

    /// The name of the default classifier.
    public static let defaultClassifier = "ferplus_resnet24"

    /// A shipped classifier by name (`fer_resnet24`, `mini_xception`), or a path to any ONNX classifier.
    public func classifier(named nameOrPath: String) -> URL {
        if nameOrPath.hasSuffix(".onnx") || nameOrPath.contains("/") { return URL(fileURLWithPath: nameOrPath) }
        return directory.appendingPathComponent("emotion/\(nameOrPath).onnx")
    }
}
