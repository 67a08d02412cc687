import ArgumentParser
import Capture

/// `fer-live devices`: the V4L2 cameras of this machine with their formats, sizes and rates.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List V4L2 cameras with their names, drivers, by-id paths, formats, sizes and frame rates.")

    func run() throws {
        let system: any V4L2System
        do {
            system = try SourceResolver.system(logger: LogSetup.makeLogger(level: "warning"))
        } catch {
            Diagnostics.error("\(error)")
            throw ExitCode(1)
        }
        let devices = DeviceList.scan(system: system)
        print(DeviceTable.render(devices), terminator: "")
    }
}
