/// Why a Haar cascade file could not be loaded, as one line naming the file and the problem.
public struct HaarCascadeError: Error, CustomStringConvertible, Equatable {
    /// The file (its path as given), or "<memory>" for a cascade parsed from bytes.
    public let file: String
    /// What is wrong, with the line number when the XML itself is malformed.
    public let reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): not a usable OpenCV Haar cascade: \(reason)" }
}
