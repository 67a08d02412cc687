import Evaluation
import Foundation
import TestSupport
import XCTest

/// FER+ vote files: the majority protocol, the shares, and one-line errors for bad files.
final class VoteLabelsTests: XCTestCase {
    private let labels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
    private let header = "file,ferplus_image,mean_abs_diff,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF"

    private func write(_ text: String) throws -> String {
        let url = try TestPaths.temporaryDirectory().appendingPathComponent("votes.csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testMajorityAndShares() throws {
        let path = try write([header,
            "val/angry/a.jpg,fer1.png,1.3,2,0,0,1,7,0,0,0,0,0",   // anger 7: angry
            "val/happy/b.jpg,fer2.png,1.3,4,4,0,0,0,0,0,0,2,0",   // tie neutral/happiness: none
            "val/sad/c.jpg,fer3.png,1.3,1,0,0,2,0,0,0,0,7,0",     // unknown majority: none
            "val/sad/d.jpg,fer4.png,1.3,3,0,0,1,0,0,0,6,0,0",     // contempt majority: none (no such label)
            "val/fear/e.jpg,fer5.png,1.3,0,0,3,0,0,0,5,0,0,2",    // fear
        ].joined(separator: "\n") + "\n")
        let votes = try VoteLabels.load(csv: path, labels: labels)
        let v = { (file: String) in try XCTUnwrap(votes.votes(forImageAt: "/data/fer/val/\(file)", in: "/data/fer/val")) }
        XCTAssertEqual(try v("angry/a.jpg").majority, 0)
        XCTAssertEqual(try v("angry/a.jpg").perLabel, [7, 0, 0, 0, 1, 0, 2])
        XCTAssertEqual(try v("angry/a.jpg").shares?[0] ?? 0, 0.7, accuracy: 1e-9)
        XCTAssertNil(try v("happy/b.jpg").majority)
        XCTAssertNil(try v("sad/c.jpg").majority)
        XCTAssertEqual(try v("sad/c.jpg").shares?[4] ?? 0, 2.0 / 3, accuracy: 1e-9, "shares over the labels only")
        XCTAssertNil(try v("sad/d.jpg").majority)
        XCTAssertEqual(try v("fear/e.jpg").majority, 2)
        XCTAssertNil(votes.votes(forImageAt: "/data/fer/val/angry/zzz.jpg", in: "/data/fer/val"), "no votes for it")
        XCTAssertNil(votes.votes(forImageAt: "/elsewhere/angry/a.jpg", in: "/data/fer/val"), "not in the folder")
    }

    func testBadFilesGiveOneLineErrorsNamingFileAndLine() throws {
        func message(_ text: String) throws -> String {
            let path = try write(text)
            do {
                _ = try VoteLabels.load(csv: path, labels: labels)
                XCTFail("expected an error for \(text.prefix(40))")
                return ""
            } catch let error as VoteLabelsError {
                XCTAssertFalse(error.description.contains("\n"))
                XCTAssertTrue(error.description.hasPrefix(path), error.description)
                return error.description
            }
        }
        XCTAssertTrue(try message("").hasSuffix("is empty"))
        XCTAssertTrue(try message("a,b\n1,2\n").contains(":1: has no 'file' column"))
        XCTAssertTrue(try message("file,neutral,happiness\nx,1,2\n").contains("has no vote column for angry"))
        XCTAssertTrue(try message(header + "\nval/a.jpg,f,1,1,2,3\n").contains(":2: has 6 fields"))
        XCTAssertTrue(try message(header + "\nval/a.jpg,f,1.3,1,0,0,x,7,0,0,0,0,0\n").contains(":2: sadness 'x' is not a vote count"))
        let missing = "/nonexistent/votes.csv"
        XCTAssertThrowsError(try VoteLabels.load(csv: missing, labels: labels)) { error in
            XCTAssertEqual("\(error)", "\(missing): cannot be read")
        }
    }

    /// The shipped votes file, when ../shared is there: FER+'s own counts for val.
    func testSharedVotesMatchTheirReadme() throws {
        guard let csv = TestPaths.shared("data/fer2013/ferplus_votes.csv"),
              let val = TestPaths.shared("data/fer2013/val") else {
            throw XCTSkip(TestPaths.skipMessage("data/fer2013/ferplus_votes.csv"))
        }
        let votes = try VoteLabels.load(csv: csv.path, labels: labels)
        XCTAssertEqual(votes.votes.keys.filter { $0.hasPrefix("val/") }.count, 3579)
        XCTAssertEqual(votes.votes.keys.filter { $0.hasPrefix("train/") }.count, 28560)
        let angry = try FileManager.default.contentsOfDirectory(atPath: val.appendingPathComponent("angry").path).sorted()
        XCTAssertNotNil(votes.votes(forImageAt: val.appendingPathComponent("angry/\(angry[0])").path, in: val.path))
    }
}
