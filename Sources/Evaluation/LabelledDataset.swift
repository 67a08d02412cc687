import Classification
import Foundation

/// A folder of labelled face images, one sub-folder per emotion: `DIR/<emotion>/*.{jpg,jpeg,png}`.
///
/// Folder names are matched to the model's labels ignoring case and through the emotion aliases
/// ("happiness" -> "happy"); several folders may feed one label. Folders matching no label and
/// files that are not images are reported, not used. Hidden entries (".DS_Store") are skipped.
public struct LabelledDataset: Sendable, Equatable {
    /// One image and the index of its true label in the model's labels.
    public struct Sample: Sendable, Equatable {
        public let path: String
        public let label: Int

        public init(path: String, label: Int) {
            self.path = path
            self.label = label
        }
    }

    /// The file extensions read as images (compared case-insensitively).
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    /// The scanned directory, as given.
    public let directory: String
    /// The model's labels the samples refer to.
    public let labels: [String]
    /// Every image, sorted by its path relative to `directory`.
    public let samples: [Sample]
    /// Sub-folders whose names match no label, sorted by name.
    public let unknownFolders: [UnknownFolder]
    /// Paths relative to `directory` of entries that are not images: files at the top level,
    /// non-image files and sub-folders inside the class folders. Sorted.
    public let ignoredFiles: [String]

    /// The number of samples for each label, in label order.
    public var countsPerLabel: [Int] {
        var counts = [Int](repeating: 0, count: labels.count)
        for sample in samples { counts[sample.label] += 1 }
        return counts
    }

    /// Lists `directory` and matches its sub-folders to `labels`.
    public static func scan(directory: String, labels: [String]) throws(DatasetError) -> LabelledDataset {
        switch isDirectory(directory) {
        case nil: throw .missing(directory: directory)
        case false: throw .notADirectory(path: directory)
        case true: break
        }

        var found: [(relative: String, sample: Sample)] = []
        var unknown: [UnknownFolder] = []
        var ignored: [String] = []
        for entry in try visibleEntries(of: directory) {
            let path = directory + "/" + entry
            guard isDirectory(path) == true else {
                ignored.append(entry)
                continue
            }
            let files = try visibleEntries(of: path)
            guard let label = labelIndex(forFolder: entry, labels: labels) else {
                let images = files.filter { isImage($0) && isDirectory(path + "/" + $0) == false }
                unknown.append(UnknownFolder(name: entry, fileCount: images.count))
                continue
            }
            for file in files {
                let relative = entry + "/" + file
                let isFolder = isDirectory(path + "/" + file)
                if isFolder == false && isImage(file) {
                    found.append((relative, Sample(path: path + "/" + file, label: label)))
                } else {
                    ignored.append(isFolder == true ? relative + "/" : relative)
                }
            }
        }
        guard !found.isEmpty else {
            throw .noImages(directory: directory, labels: labels, unknownFolders: unknown)
        }
        found.sort { $0.relative.utf8.lexicographicallyPrecedes($1.relative.utf8) }
        return LabelledDataset(directory: directory, labels: labels, samples: found.map(\.sample),
                               unknownFolders: unknown, ignoredFiles: ignored.sorted())
    }

    /// The label a folder name stands for: an exact (case-insensitive) match first, then an alias.
    public static func labelIndex(forFolder name: String, labels: [String]) -> Int? {
        labels.firstIndex { $0.lowercased() == name.lowercased() }
            ?? labels.firstIndex { Emotion.sameClass($0, name) }
    }

    private static func isImage(_ name: String) -> Bool {
        imageExtensions.contains(URL(fileURLWithPath: name).pathExtension.lowercased())
    }

    /// true for a directory, false for another kind of file, nil when nothing is there.
    private static func isDirectory(_ path: String) -> Bool? {
        var flag: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &flag) else { return nil }
        return flag.boolValue
    }

    /// The entries of a directory without hidden ones, sorted by their UTF-8 bytes.
    private static func visibleEntries(of path: String) throws(DatasetError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path)
                .filter { !$0.hasPrefix(".") }
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}
