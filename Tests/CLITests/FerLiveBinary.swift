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

    /// Runs `fer-live` with `arguments` (and `environment` added to the test's own).
    static func run(_ arguments: [String], stdin: Data? = nil,
                    environment: [String: String] = [:]) throws -> Subprocess.Result {
        try Subprocess.run(path, arguments, stdin: stdin,
                           environment: environment.merging(["OPENBLAS_NUM_THREADS": "1"]) { given, _ in given })
    }
}
