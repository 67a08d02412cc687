import Foundation
import XCTest

/// A private X server (`Xvfb -displayfd`, 1280x720x24) for a test class; DISPLAY points at it while it runs.
final class XvfbServer: @unchecked Sendable {
    let display: String
    let process: Process
    private let previousDisplay: String?

    /// The Xvfb executable, or nil when it is not installed.
    static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin"] {
            let candidate = "\(dir)/Xvfb"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static let notInstalled = "skipped: Xvfb is not installed (apt-get install -y xvfb)"

    /// Starts Xvfb on a free display number (it picks and reports one) and sets DISPLAY.
    init() throws {
        guard let executable = Self.executable else { throw XCTSkip(Self.notInstalled) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-displayfd", "1", "-screen", "0", "1280x720x24", "-nolisten", "tcp", "-noreset"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        // Xvfb writes the display number once it accepts connections.
        var text = ""
        let deadline = Date().addingTimeInterval(15)
        while !text.contains("\n"), Date() < deadline, process.isRunning {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { usleep(10_000) }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let number = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw XCTSkip("skipped: Xvfb did not report a display number (got \"\(text)\")")
        }
        self.process = process
        display = ":\(number)"
        previousDisplay = getenv("DISPLAY").map { String(cString: $0) }
        setenv("DISPLAY", display, 1)
    }

    /// Stops the server and restores DISPLAY.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        if let previousDisplay { setenv("DISPLAY", previousDisplay, 1) } else { unsetenv("DISPLAY") }
    }

    /// CPU seconds (user + system) the server has used so far, from /proc.
    var cpuSeconds: Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After "pid (comm)": state is field 0, utime field 11, stime field 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
