import ArgumentParser

/// The `fer-live` command: faces and their emotions, live from cameras and video, or from photos.
@main
struct FerLive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fer-live",
        abstract: "Find faces and tell the emotion each shows.",
        version: "0.2.0",
        subcommands: [RunCommand.self, DevicesCommand.self, ImageCommand.self, EvalCommand.self, ModelCommand.self,
                      BenchCommand.self],
        defaultSubcommand: RunCommand.self)
}
