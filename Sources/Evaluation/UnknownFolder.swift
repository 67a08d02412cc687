/// A sub-folder of a labelled dataset whose name matches none of the model's labels.
public struct UnknownFolder: Sendable, Equatable, Codable {
    /// The folder's name.
    public let name: String
    /// How many image files it holds (not used for evaluation).
    public let fileCount: Int

    public init(name: String, fileCount: Int) {
        self.name = name
        self.fileCount = fileCount
    }
}
