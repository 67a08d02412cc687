import Classification
import Foundation

/// Crowd votes per image, as FER+ gives them for FER2013 (`ferplus_votes.csv`: a `file` column with the path
/// below the data set folder, e.g. `val/angry/PublicTest_1.jpg`, then one count column per class).
///
/// Columns are matched to a model's labels ignoring case and through the emotion aliases
/// (`happiness` → `happy`, `anger` → `angry`); other columns (`contempt`, `unknown`, `NF`) count toward the
/// majority but are no label of the model. The majority label of an image is its single most-voted column
/// when that column is one of the model's labels; ties, `unknown`, `NF` and `contempt` majorities have none
/// (the FER+ paper's majority protocol, on the model's labels).
public struct VoteLabels: Sendable {
    /// The votes of one image: per model label, and the most votes any column got.
    public struct Votes: Sendable, Equatable {
        /// Vote counts in the model's label order.
        public var perLabel: [Int]
        /// The index of the majority label, or nil (tie, or a majority of a column that is not a label).
        public var majority: Int?
        /// Votes for the model's labels, as shares that sum to 1 (nil when none of them got a vote).
        public var shares: [Double]? {
            let total = perLabel.reduce(0, +)
            return total > 0 ? perLabel.map { Double($0) / Double(total) } : nil
        }
    }

    /// The model labels the votes are given in.
    public let labels: [String]
    /// Votes by path relative to the data set folder's parent (`val/angry/x.jpg`).
    public let votes: [String: Votes]

    /// Reads `path`; errors are one line naming the file (and the line for a bad row).
    public static func load(csv path: String, labels: [String]) throws -> VoteLabels {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VoteLabelsError(file: path, line: nil, reason: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw VoteLabelsError(file: path, line: nil, reason: "is not UTF-8 text")
        }
        var lines = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { throw VoteLabelsError(file: path, line: nil, reason: "is empty") }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let fileColumn = header.firstIndex(of: "file") else {
            throw VoteLabelsError(file: path, line: 1, reason: "has no 'file' column")
        }
        // Count columns: every column after `file` whose name is an emotion or one of FER+'s extra classes.
        let extra: Set<String> = ["contempt", "unknown", "nf"]
        var columnLabel: [Int: Int?] = [:]  // column → label index, or nil for a non-label count column
        for (i, name) in header.enumerated() where i != fileColumn {
            if let index = labels.firstIndex(where: { Emotion.sameClass($0, name) }) {
                columnLabel[i] = index
            } else if extra.contains(name.lowercased()) {
                columnLabel[i] = .some(nil)
            }
        }
        let covered = Set(columnLabel.values.compactMap { $0 })
        guard covered.count == labels.count else {
            let missing = labels.indices.filter { !covered.contains($0) }.map { labels[$0] }
            throw VoteLabelsError(file: path, line: 1, reason: "has no vote column for \(missing.joined(separator: ", "))")
        }
        let countColumns = columnLabel.sorted { $0.key < $1.key }
        var votes: [String: Votes] = [:]
        for (n, line) in lines.enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == header.count else {
                throw VoteLabelsError(file: path, line: n + 2, reason: "has \(fields.count) fields, the header \(header.count)")
            }
            var perLabel = [Int](repeating: 0, count: labels.count)
            var best = -1, bestLabel: Int?, tie = false
            for (column, label) in countColumns {
                guard let count = Int(fields[column].trimmingCharacters(in: .whitespaces)), count >= 0 else {
                    throw VoteLabelsError(file: path, line: n + 2,
                                          reason: "\(header[column]) '\(fields[column])' is not a vote count")
                }
                if let label { perLabel[label] += count }
                if count > best { (best, bestLabel, tie) = (count, label, false) } else if count == best { tie = true }
            }
            let majority = (best > 0 && !tie) ? bestLabel : nil
            votes[String(fields[fileColumn])] = Votes(perLabel: perLabel, majority: majority)
        }
        return VoteLabels(labels: labels, votes: votes)
    }

    /// The votes of the image at `path` in the data set folder `directory` (looked up as
    /// `<last part of directory>/<path below it>`), or nil when the file has none.
    public func votes(forImageAt path: String, in directory: String) -> Votes? {
        let root = (directory as NSString).standardizingPath
        let full = (path as NSString).standardizingPath
        guard full.hasPrefix(root + "/") else { return nil }
        let relative = String(full.dropFirst(root.count + 1))
        return votes[(root as NSString).lastPathComponent + "/" + relative]
    }
}

/// A votes file that cannot be used, as one line naming the file and, for a bad row, its line.
public struct VoteLabelsError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int?
    public var reason: String

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(reason)" }
}
