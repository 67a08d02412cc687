import Foundation

/// A settings file of `key = value` lines whose keys are a command's long options (`detect-every = 5`).
///
/// Blank lines and lines starting with `#` are skipped; ` #` after a value starts a comment; a value may be
/// quoted ("..." or '...'). Each key may appear once.
struct ConfigFile: Equatable {
    /// One `key = value` line.
    struct Entry: Equatable {
        var key: String
        var value: String
        var line: Int
    }

    /// Where the settings were read from (for messages).
    let path: String
    /// The settings, in file order.
    let entries: [Entry]

    /// Reads and parses the file at `path`.
    init(contentsOf path: String) throws {
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
    init(text: String, path: String) throws {
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

/// A problem with a settings file, named by file and line: `fer-live.conf:3: unknown key 'fsp'`.
struct ConfigFileError: Error, CustomStringConvertible, Equatable {
    var path: String
    var line: Int?
    var message: String

    var description: String { line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)" }
}

/// The long options a command accepts, read from its help screen: which take a value, which are flags
/// (and their `--no-` inversions).
struct OptionTable: Equatable {
    /// Options that take a value (`--fps <fps>`).
    var valued: Set<String> = []
    /// Flags (`--headless`), including both names of an inverted pair.
    var flags: Set<String> = []
    /// `no-loop` → `loop` for flags declared as `--loop/--no-loop`.
    var inversions: [String: String] = [:]

    /// Reads the options from help text as ArgumentParser renders it (`  --size <size>   Camera frame size`).
    init(helpText: String) {
        for line in helpText.split(separator: "\n") {
            let trimmed = line.drop(while: { $0 == " " })
            guard trimmed.count < line.count, trimmed.hasPrefix("-") else { continue }
            // "-h, --help", "--size <size>", "--loop/--no-loop"
            var names: [String] = []
            var rest = Substring(trimmed)
            while let range = rest.range(of: "--") {
                let name = rest[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" }
                if !name.isEmpty { names.append(String(name)) }
                rest = rest[range.upperBound...].dropFirst(name.count)
                // Stop at the description: names are separated by "/" or ", ".
                guard rest.hasPrefix("/") || rest.hasPrefix(", ") else { break }
            }
            guard let first = names.first else { continue }
            let afterNames = rest.drop(while: { $0 == " " })
            if afterNames.hasPrefix("<") && names.count == 1 {
                valued.insert(first)
            } else {
                flags.formUnion(names)
                if names.count == 2, names[1] == "no-" + first { inversions[names[1]] = first }
            }
        }
    }

    /// Whether `name` (without `--`) is an option or flag.
    func contains(_ name: String) -> Bool { valued.contains(name) || flags.contains(name) }

    /// The setting `name` controls: `no-loop` and `loop` both control `loop`.
    func canonical(_ name: String) -> String { inversions[name] ?? name }
}

/// Turns `--config FILE` into the file's settings as arguments, before the command line's own (which win).
enum ConfigExpansion {
    /// The option naming the settings file.
    static let configOption = "config"
    /// The option naming the source used when neither the command line nor the file names one
    /// (a service's instance camera, overridable by `source =` in its file).
    static let defaultSourceOption = "default-source"
    /// The key naming the positional SOURCE.
    static let sourceKey = "source"

    /// What `expand` found: the arguments for the command, or nothing to do.
    struct Result: Equatable {
        /// The arguments after the subcommand name.
        var arguments: [String]
        /// Whether `--config` or `--default-source` were present.
        var expanded: Bool
    }

    /// Rewrites `arguments` (the command's, after its name): removes `--config FILE` and `--default-source SOURCE`,
    /// puts the file's settings first, drops those the command line also sets, and adds the source from the
    /// command line, else the file, else `--default-source`.
    static func expand(_ arguments: [String], table: OptionTable,
                       read: (String) throws -> ConfigFile = { try ConfigFile(contentsOf: $0) }) throws -> Result {
        var explicit: [String] = []
        var configPath: String?
        var defaultSource: String?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                explicit += arguments[index...]
                break
            }
            var matched = false
            for option in [configOption, defaultSourceOption] {
                var value: String?
                if argument == "--\(option)" {
                    guard index + 1 < arguments.count else {
                        throw ConfigFileError(path: "--\(option)", line: nil, message: "needs a value")
                    }
                    value = arguments[index + 1]
                    index += 1
                } else if argument.hasPrefix("--\(option)=") {
                    value = String(argument.dropFirst(option.count + 3))
                }
                if let value {
                    if option == configOption { configPath = value } else { defaultSource = value }
                    matched = true
                    break
                }
            }
            if !matched { explicit.append(argument) }
            index += 1
        }
        guard configPath != nil || defaultSource != nil else { return Result(arguments: arguments, expanded: false) }

        let given = scan(explicit, table: table)
        var fromFile: [String] = []
        var source = given.hasPositional ? nil : defaultSource
        if let configPath {
            let file = try read(configPath)
            for entry in file.entries {
                let key = entry.key
                func fail(_ message: String) -> ConfigFileError {
                    ConfigFileError(path: file.path, line: entry.line, message: message)
                }
                if key == sourceKey {
                    if !given.hasPositional { source = entry.value }
                    continue
                }
                if key == configOption || key == defaultSourceOption || key == "help" || key == "version" {
                    throw fail("'\(key)' cannot be set in a settings file")
                }
                guard table.contains(key) else {
                    throw fail("unknown key '\(key)' (keys are the long options of 'fer-live run' without '--', or 'source')")
                }
                if given.settings.contains(table.canonical(key)) { continue }  // the command line wins
                if table.valued.contains(key) {
                    fromFile.append("--\(key)=\(entry.value)")
                } else {
                    switch entry.value.lowercased() {
                    case "true", "yes", "on", "1":
                        fromFile.append("--\(key)")
                    case "false", "no", "off", "0":
                        if let inverted = table.inversions.first(where: { $0.value == key })?.key {
                            fromFile.append("--\(inverted)")
                        }
                    default:
                        throw fail("'\(key)' is a flag: use true or false, got '\(entry.value)'")
                    }
                }
            }
        }
        var result = fromFile + explicit
        if let source {
            result.append(source)
        }
        return Result(arguments: result, expanded: true)
    }

    /// The settings and whether a positional SOURCE appear on the command line.
    static func scan(_ arguments: [String], table: OptionTable) -> (settings: Set<String>, hasPositional: Bool) {
        var settings: Set<String> = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { return (settings, index + 1 < arguments.count) }
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                let name = String(body.prefix { $0 != "=" })
                settings.insert(table.canonical(name))
                if table.valued.contains(name) && !body.contains("=") { index += 1 }
            } else if argument == "-" || !argument.hasPrefix("-") {
                return (settings.union(scan(Array(arguments[(index + 1)...]), table: table).settings), true)
            }
            index += 1
        }
        return (settings, false)
    }
}
