import ArgumentParser

/// The `fer-live` command: faces and their emotions, from photos, folders and (later) live cameras.
@main
struct FerLive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fer-live",
        abstract: "Find faces and tell the emotion each shows.",
        version: "0.1.0",
        subcommands: [ImageCommand.self, EvalCommand.self, ModelCommand.self, BenchCommand.self])
}
