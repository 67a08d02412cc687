/// The long options a command accepts, read from its help screen: which take a value, which are flags
/// (and their `--no-` inversions).
public struct OptionTable: Equatable, Sendable {
    /// Options that take a value (`--fps <fps>`).
    public var valued: Set<String> = []
    /// Flags (`--headless`), including both names of an inverted pair.
    public var flags: Set<String> = []
    /// `no-loop` → `loop` for flags declared as `--loop/--no-loop`.
    public var inversions: [String: String] = [:]

    /// Reads the options from help text as ArgumentParser renders it (`  --size <size>   Camera frame size`).
    public init(helpText: String) {
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
    public func contains(_ name: String) -> Bool { valued.contains(name) || flags.contains(name) }

    /// The setting `name` controls: `no-loop` and `loop` both control `loop`.
    public func canonical(_ name: String) -> String { inversions[name] ?? name }
}
