import ArgumentParser
import FaceAnalysis
import Foundation

/// Paths into `../shared` beside the repository (development machines).
enum SharedData {
    /// `../shared/RELATIVE` beside the repository the models were found in; a clear error when it is missing.
    static func path(_ relative: String, locator: ModelLocator) throws -> String {
        let repository = locator.directory.deletingLastPathComponent()
        let path = repository.deletingLastPathComponent().appendingPathComponent("shared/\(relative)").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("\(path): not found (give the folder explicitly)")
        }
        return path
    }

    /// `../shared/media/photos` when it is there, else the committed `Tests/Fixtures` photos.
    static func photosOrFixtures(locator: ModelLocator) -> String {
        (try? path("media/photos", locator: locator))
            ?? locator.directory.deletingLastPathComponent().appendingPathComponent("Tests/Fixtures").path
    }
}
