import Foundation

/// A settings file of `key = value` lines whose keys are a command's long options (`detect-every = 5`).
///
/// Blank lines and lines starting with `#` are skipped; ` #` after a value starts a comment; a value may be
/// quoted ("..." or '...'). Each key may appear once.
public struct ConfigFile: Equatable, Sendable {
    /// One `key = value` line.
    public struct Entry: Equatable, Sendable {
        public var key: String
        public var value: String
        public var line: Int

        public init(key: String, value: String, line: Int) {
            self.key = key
            self.value = value
            self.line = line
        }
    }

    /// Where the settings were read from (for messages).
    public let path: String
    /// The settings, in file order.
    public let entries: [Entry]

    /// Reads and parses the file at `path`.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\($0)" } ?? ""
            throw ConfigFileError(path: path, line: nil, message: "cannot read: \(Self.reason(path, reason))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigFileError(path: path, line: nil, message: "not UTF-8 text")
        }
        try self.init(text: text, path: path)
    }

    /// Parses `text`; `path` names it in errors.
    public init(text: String, path: String) throws {
        self.path = path
        var entries: [Entry] = []
        var seen: [String: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigFileError(path: path, line: number, message: "expected 'key = value', got '\(line)'")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = Self.value(String(line[line.index(after: equals)...]))
            guard !key.isEmpty else {
                throw ConfigFileError(path: path, line: number, message: "no key before '='")
            }
            guard !value.isEmpty else {
                throw ConfigFileError(path: path, line: number, message: "'\(key)' has no value")
            }
            if let first = seen[key] {
                throw ConfigFileError(path: path, line: number, message: "'\(key)' is already set on line \(first)")
            }
            seen[key] = number
            entries.append(Entry(key: key, value: value, line: number))
        }
        self.entries = entries
    }

    /// The value after `=`: without a trailing ` # comment`, surrounding blanks and one pair of quotes.
    private static func value(_ text: String) -> String {
        var text = text.trimmingCharacters(in: .whitespaces)
        if let quote = text.first, quote == "\"" || quote == "'",
           let close = text.dropFirst().firstIndex(of: quote) {
            return String(text[text.index(after: text.startIndex)..<close])
        }
        if let comment = text.range(of: " #") ?? text.range(of: "\t#") {
            text = String(text[..<comment.lowerBound])
        }
        return text.trimmingCharacters(in: .whitespaces)
    }

    private static func reason(_ path: String, _ underlying: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "is a directory" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return underlying.isEmpty ? "read error" : underlying
    }
}
