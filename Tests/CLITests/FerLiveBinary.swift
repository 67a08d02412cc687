import Foundation
import TestSupport

/// The `fer-live` executable built beside the test bundle.
enum FerLiveBinary {
    static let path: String = {
        let bundleDir = Bundle.main.bundleURL.deletingLastPathComponent()
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("fer-live"),
            bundleDir.appendingPathComponent("fer-live"),
            TestPaths.repository.appendingPathComponent(".build/release/fer-live"),
            TestPaths.repository.appendingPathComponent(".build/debug/fer-live"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path
            ?? candidates[0].path
    }()

    /// Runs `fer-live` with `arguments`.
    static func run(_ arguments: [String], stdin: Data? = nil) throws -> Subprocess.Result {
        try Subprocess.run(path, arguments, stdin: stdin, environment: ["OPENBLAS_NUM_THREADS": "1"])
    }
}
