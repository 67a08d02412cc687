import Settings

extension FuzzTarget {
    /// A settings file (`--config FILE`): the `key = value` parser, then its expansion into arguments.
    static let settings = FuzzTarget(
        name: "settings", summary: "settings file text: the key = value parser and the expansion into run's arguments",
        maximumLength: 4 << 10
    ) { bytes in
        guard let text = String(validating: bytes, as: UTF8.self),
              let file = try? ConfigFile(text: text, path: "fuzz.conf") else { return false }
        return (try? ConfigExpansion.expand(["--config", "fuzz.conf", "--fps", "10"], table: settingsTable) { _ in file }) != nil
    }
}

/// A stand-in for the run command's options: valued, flags, an inverted pair.
private let settingsTable = OptionTable(helpText: """
      --fps <fps>             Frames per second.
      --detect-every <n>      Detect every Nth frame.
      --classifier <name>     Classifier.
      --headless              No window.
      --loop/--no-loop        Loop the clip.
    """)
