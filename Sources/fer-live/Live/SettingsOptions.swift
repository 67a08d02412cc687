import ArgumentParser

/// `--config FILE` and `--default-source`: read before parsing by `ConfigExpansion`, declared here for the help.
struct SettingsOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Read settings from FILE: 'key = value' lines, keys are these long options without '--' ('source' for SOURCE); the command line wins.",
        valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("SOURCE when neither the command line nor --config names one (services: the instance's camera).",
                               valueName: "source"))
    var defaultSource: String?
}
