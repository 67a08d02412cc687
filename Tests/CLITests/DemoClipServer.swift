import Foundation
import TestSupport
import XCTest

/// `fer-live` on the looping demo clip, in real time, with its HTTP endpoint on a free loopback port.
enum DemoClipServer {
    /// Starts it (with `extra` arguments) and waits until `/healthz` says ok; returns the process, port and stderr.
    static func launch(_ extra: [String]) throws -> (Process, Int, Pipe) {
        let clip = TestPaths.models.appendingPathComponent("demo/pedestrians.mjpeg").path
        guard FileManager.default.fileExists(atPath: clip) else { throw XCTSkip("needs Models/demo/pedestrians.mjpeg") }
        let port = freeLoopbackPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FerLiveBinary.path)
        process.arguments = [clip, "--headless", "--realtime", "--loop", "--events", "/dev/null",
                             "--http", "127.0.0.1:\(port)"] + extra
        process.environment = ProcessInfo.processInfo.environment.merging(["OPENBLAS_NUM_THREADS": "1"]) { $1 }
        let stderr = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let health = try? HTTPTestClient.get(port: port, path: "/healthz"), health.status == 200 {
                return (process, port, stderr)
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        process.terminate()
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        throw HTTPTestError("fer-live --http did not become healthy in 20 s:\n\(log)")
    }

    /// SIGTERM, then waits up to 5 s before killing.
    static func stop(_ process: Process) {
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
