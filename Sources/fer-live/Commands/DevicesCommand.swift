import ArgumentParser
import Capture

/// `fer-live devices`: the V4L2 cameras of this machine with their formats, sizes and rates.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List V4L2 cameras with their names, drivers, by-id paths, formats, sizes and frame rates.")

    func run() throws {
        let devices = DeviceList.scan()
        print(DeviceTable.render(devices), terminator: "")
    }
}
