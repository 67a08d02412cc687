import Foundation
import FuzzTargets
import TestSupport
import XCTest

/// Every committed seed and every input a fuzzer ever crashed on (`Tests/Fuzz/{Seeds,Crashes}/TARGET/`) runs
/// through its target on each test run: a crash found once stays fixed.
final class FuzzRegressionTests: XCTestCase {
    private let root = TestPaths.repository.appendingPathComponent("Tests/Fuzz")

    private func inputs(_ kind: String, _ target: String) throws -> [URL] {
        let dir = root.appendingPathComponent("\(kind)/\(target)")
        guard FileManager.default.fileExists(atPath: dir.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    func testEveryTargetHasSeedsAndFolderNamesMatchTargets() throws {
        let names = Set(FuzzTargets.all.map(\.name))
        XCTAssertEqual(names.count, FuzzTargets.all.count, "target names are unique")
        for target in FuzzTargets.all {
            XCTAssertFalse(try inputs("Seeds", target.name).isEmpty, "\(target.name) has no seeds")
            for seed in try inputs("Seeds", target.name) {
                let size = try seed.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0
                XCTAssertLessThanOrEqual(size, max(target.maximumLength, 32 << 10), "\(seed.lastPathComponent) is large for a seed")
            }
        }
        for kind in ["Seeds", "Crashes"] {
            let dir = root.appendingPathComponent(kind)
            for folder in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where !folder.hasPrefix(".") {
                XCTAssertTrue(names.contains(folder), "\(kind)/\(folder) names no fuzz target")
            }
        }
    }

    func testSeedsAndPastCrashesRunCleanly() throws {
        var count = 0
        for target in FuzzTargets.all {
            for file in try inputs("Seeds", target.name) + inputs("Crashes", target.name) {
                target.run([UInt8](try Data(contentsOf: file)))
                count += 1
            }
        }
        XCTAssertGreaterThan(count, FuzzTargets.all.count)
    }

    func testTargetsSurviveEmptyAndShortInputs() {
        for target in FuzzTargets.all {
            target.run([])
            for length in 1...16 { target.run([UInt8](repeating: 0xFF, count: length)) }
        }
    }

    func testEverySeedIsAcceptedAllTheWay() throws {
        // A seed the parser rejects would leave the fuzzer outside the decoder, planner or detector.
        for target in FuzzTargets.all {
            for seed in try inputs("Seeds", target.name) {
                XCTAssertTrue(target.run([UInt8](try Data(contentsOf: seed))), "\(target.name): \(seed.lastPathComponent) is rejected")
            }
            XCTAssertFalse(target.run([UInt8]("not \(target.name) at all".utf8)), "\(target.name) accepts plain text")
        }
    }
}
