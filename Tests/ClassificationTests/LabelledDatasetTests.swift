import Classification
import Evaluation
import Foundation
import TestSupport
import XCTest

final class LabelledDatasetTests: XCTestCase {
    let labels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]

    private func touch(_ root: URL, _ relative: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data([0]).write(to: url)
    }

    func testScanMatchesFoldersReportsTheRestAndSorts() throws {
        let root = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        for file in ["happiness/b.PNG", "happiness/a.jpg", "Sad/x.jpeg", "sad_extra/1.png",
                     "anger/z.JPG", "anger/notes.txt", "contempt/1.png", "contempt/2.jpg",
                     "contempt/readme.md", "README.md", "happy/.DS_Store", "happy/c.png",
                     "happy/sub/d.png", ".hidden/e.png", "empty_unknown/.keep"] {
            try touch(root, file)
        }
        let dataset = try LabelledDataset.scan(directory: root.path, labels: labels)
        let relative = dataset.samples.map { String($0.path.dropFirst(root.path.count + 1)) }
        XCTAssertEqual(relative, ["Sad/x.jpeg", "anger/z.JPG", "happiness/a.jpg", "happiness/b.PNG", "happy/c.png"])
        XCTAssertEqual(dataset.samples.map(\.label), [4, 0, 3, 3, 3])
        XCTAssertEqual(dataset.countsPerLabel, [1, 0, 0, 3, 1, 0, 0])
        XCTAssertEqual(dataset.unknownFolders, [UnknownFolder(name: "contempt", fileCount: 2),
                                                UnknownFolder(name: "empty_unknown", fileCount: 0),
                                                UnknownFolder(name: "sad_extra", fileCount: 1)])
        XCTAssertEqual(dataset.ignoredFiles, ["README.md", "anger/notes.txt", "happy/sub/"])
        XCTAssertEqual(dataset.directory, root.path)
    }

    func testMatchingPrefersTheModelsOwnSpelling() {
        let custom = ["Happiness", "happy", "sad"]
        XCTAssertEqual(LabelledDataset.labelIndex(forFolder: "happy", labels: custom), 1)
        XCTAssertEqual(LabelledDataset.labelIndex(forFolder: "HAPPINESS", labels: custom), 0)
        XCTAssertEqual(LabelledDataset.labelIndex(forFolder: "sadness", labels: custom), 2)
        XCTAssertNil(LabelledDataset.labelIndex(forFolder: "contempt", labels: custom))
        XCTAssertEqual(LabelledDataset.labelIndex(forFolder: "contempt", labels: ["contempt"]), 0)
    }

    func testErrors() throws {
        let root = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = root.appendingPathComponent("nope").path
        XCTAssertThrowsError(try LabelledDataset.scan(directory: missing, labels: labels)) { error in
            XCTAssertEqual(error as? DatasetError, .missing(directory: missing))
            XCTAssertEqual("\(error)", "dataset folder \(missing) does not exist")
        }
        try touch(root, "file.png")
        let file = root.appendingPathComponent("file.png").path
        XCTAssertThrowsError(try LabelledDataset.scan(directory: file, labels: labels)) { error in
            XCTAssertEqual(error as? DatasetError, .notADirectory(path: file))
        }

        let empty = root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        XCTAssertThrowsError(try LabelledDataset.scan(directory: empty.path, labels: labels)) { error in
            XCTAssertEqual(error as? DatasetError, .noImages(directory: empty.path, labels: labels, unknownFolders: []))
            XCTAssertFalse("\(error)".contains("folders matching no label"), "\(error)")
        }

        // A parent of the split folders: images exist, but one level too deep.
        try touch(root, "fer/train/happy/1.png")
        try touch(root, "fer/val/happy/1.png")
        try touch(root, "fer/happy/notes.txt")
        let parent = root.appendingPathComponent("fer").path
        XCTAssertThrowsError(try LabelledDataset.scan(directory: parent, labels: labels)) { error in
            XCTAssertEqual("\(error)", "no images in \(parent): expected \(parent)/<emotion>/*.jpg|jpeg|png with "
                + "<emotion> one of angry, disgust, fear, happy, sad, surprise, neutral; "
                + "folders matching no label: train (0 images), val (0 images)")
        }
    }

    func testFER2013ValidationSplit() throws {
        guard let val = TestPaths.shared("data/fer2013/val") else {
            throw XCTSkip(TestPaths.skipMessage("data/fer2013/val"))
        }
        let start = Date()
        let dataset = try LabelledDataset.scan(directory: val.path, labels: Emotion.canonicalNames)
        let seconds = Date().timeIntervalSince(start)
        // Counts from ../shared/data/fer2013/README.md (PublicTest).
        XCTAssertEqual(dataset.samples.count, 3589)
        XCTAssertEqual(dataset.countsPerLabel, [467, 56, 496, 895, 653, 415, 607])
        XCTAssertEqual(dataset.unknownFolders, [])
        XCTAssertEqual(dataset.ignoredFiles, [])
        print("scanned \(dataset.samples.count) FER2013 val images in \(String(format: "%.3f", seconds)) s")
    }
}
