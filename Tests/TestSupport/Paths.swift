import Foundation

/// Locations the tests read from: the repository, its committed fixtures, and `../shared`.
public enum TestPaths {
    /// The repository root (the folder holding Package.swift).
    public static let repository: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// Small licensed fixtures committed with the tests.
    public static let fixtures = repository.appendingPathComponent("Tests/Fixtures")

    /// The shipped models.
    public static let models = repository.appendingPathComponent("Models")

    /// The names of the shipped emotion classifiers (`Models/emotion/NAME.onnx`), sorted.
    public static func shippedClassifiers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: models.appendingPathComponent("emotion").path)
            .filter { $0.hasSuffix(".onnx") }.map { String($0.dropLast(".onnx".count)) }.sorted()
    }

    /// `../shared` beside the repository, or nil on a machine without it (a user's checkout).
    public static let shared: URL? = {
        let url = repository.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    /// A file under `../shared`, or nil when `../shared` or the file is missing.
    public static func shared(_ relative: String) -> URL? {
        guard let url = shared?.appendingPathComponent(relative),
              FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }

    /// The message a test gives when it skips for lack of `../shared`.
    public static func skipMessage(_ relative: String) -> String {
        "skipped: needs ../shared/\(relative), which is not on this machine"
    }

    /// A fresh temporary directory for one test.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("fer-live-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
