import ArgumentParser
import Foundation
import Settings

/// The `fer-live` command: faces and their emotions, live from cameras and video, or from photos.
@main
struct FerLive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fer-live",
        abstract: "Find faces and tell the emotion each shows.",
        version: "0.2.0",
        subcommands: [RunCommand.self, DevicesCommand.self, ImageCommand.self, EvalCommand.self, ModelCommand.self,
                      BenchCommand.self, ReportCommand.self],
        defaultSubcommand: RunCommand.self)

    /// Expands `--config FILE` (the run command's settings file) into arguments, then parses and runs.
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let others = configuration.subcommands.map { $0._commandName }.filter { $0 != RunCommand._commandName }
        if let first = arguments.first, !others.contains(first) {
            let named = first == RunCommand._commandName
            let table = OptionTable(helpText: helpMessage(for: RunCommand.self, includeHidden: true, columns: 100_000))
            do {
                let result = try ConfigExpansion.expand(Array(arguments.dropFirst(named ? 1 : 0)), table: table)
                if result.expanded { arguments = [RunCommand._commandName] + result.arguments }
            } catch {
                Diagnostics.error("\(error)")
                Foundation.exit(78)  // EX_CONFIG
            }
        }
        main(arguments)
    }
}
