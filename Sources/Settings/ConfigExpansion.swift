/// Turns `--config FILE` into the file's settings as arguments, before the command line's own (which win).
public enum ConfigExpansion {
    /// The option naming the settings file.
    public static let configOption = "config"
    /// The option naming the source used when neither the command line nor the file names one
    /// (a service's instance camera, overridable by `source =` in its file).
    public static let defaultSourceOption = "default-source"
    /// The key naming the positional SOURCE.
    public static let sourceKey = "source"

    /// What `expand` found: the arguments for the command, or nothing to do.
    public struct Result: Equatable, Sendable {
        /// The arguments after the subcommand name.
        public var arguments: [String]
        /// Whether `--config` or `--default-source` were present.
        public var expanded: Bool

        public init(arguments: [String], expanded: Bool) {
            self.arguments = arguments
            self.expanded = expanded
        }
    }

    /// Rewrites `arguments` (the command's, after its name): removes `--config FILE` and `--default-source SOURCE`,
    /// puts the file's settings first, drops those the command line also sets, and adds the source from the
    /// command line, else the file, else `--default-source`.
    public static func expand(_ arguments: [String], table: OptionTable,
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
    public static func scan(_ arguments: [String], table: OptionTable) -> (settings: Set<String>, hasPositional: Bool) {
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
