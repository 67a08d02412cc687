/// Why a labelled image folder cannot be evaluated; each description is one line naming the folder.
public enum DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The directory does not exist.
    case missing(directory: String)
    /// The path exists but is a file.
    case notADirectory(path: String)
    /// The directory (or one of its class folders) cannot be listed.
    case unreadable(path: String, reason: String)
    /// No class folder holds an image.
    case noImages(directory: String, labels: [String], unknownFolders: [UnknownFolder])

    public var description: String {
        switch self {
        case .missing(let directory):
            return "dataset folder \(directory) does not exist"
        case .notADirectory(let path):
            return "dataset path \(path) is not a directory (expected DIR/<emotion>/*.jpg|png)"
        case .unreadable(let path, let reason):
            return "cannot list \(path): \(reason)"
        case .noImages(let directory, let labels, let unknownFolders):
            var line = "no images in \(directory): expected \(directory)/<emotion>/*.jpg|jpeg|png"
                + " with <emotion> one of \(labels.joined(separator: ", "))"
            if !unknownFolders.isEmpty {
                let folders = unknownFolders.map { "\($0.name) (\($0.fileCount) images)" }
                line += "; folders matching no label: " + folders.joined(separator: ", ")
            }
            return line
        }
    }
}
