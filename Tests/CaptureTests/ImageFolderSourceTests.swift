import Capture
import Foundation
import Imaging
import TestSupport
import XCTest

final class ImageFolderSourceTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestPaths.temporaryDirectory()
        let fm = FileManager.default
        try fm.copyItem(atPath: Clips.fixture("two_people.jpg"), toPath: directory.appendingPathComponent("b.jpg").path)
        try fm.copyItem(atPath: Clips.fixture("obama_and_biden.jpg"), toPath: directory.appendingPathComponent("a.JPEG").path)
        try fm.copyItem(atPath: Clips.fixture("kit_with_rose_small.png"), toPath: directory.appendingPathComponent("c.png").path)
        try Clips.write(Array("not an image".utf8), to: directory.appendingPathComponent("d.jpg").path)
        try Clips.write(Array("notes".utf8), to: directory.appendingPathComponent("notes.txt").path)
        try Clips.write([0xFF, 0xD8, 0xFF], to: directory.appendingPathComponent(".hidden.jpg").path)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func testDirectoryIsReadInNameOrderSkippingBadFiles() throws {
        let source = try ImageFolderSource(path: directory.path)
        XCTAssertEqual(source.paths.map { ($0 as NSString).lastPathComponent }, ["a.JPEG", "b.jpg", "c.png", "d.jpg"])
        XCTAssertEqual(source.frameRate, 1)
        XCTAssertFalse(source.isLive)
        let log = SkipLog()
        source.skipHandler = log.handler
        let frames = try Clips.drain(source)
        XCTAssertEqual(frames.map(\.payload), [.jpeg, .jpeg, .png])
        XCTAssertEqual(frames.map(\.sequence), [0, 1, 2])
        XCTAssertEqual(frames.map(\.presentationTime), [0, 1, 2])
        XCTAssertEqual(frames[1].width, 1126)
        XCTAssertEqual(frames[1].height, 661)
        XCTAssertGreaterThan(frames[2].width, 0)
        XCTAssertEqual(source.skippedFrames, 1)
        XCTAssertEqual(log.all.count, 1)
        XCTAssertTrue(log.all[0].contains("d.jpg"), log.all[0])

        let decoder = try FrameDecoder(sourceName: directory.path)
        for frame in frames {
            let yuv = try decoder.decode(frame)
            XCTAssertEqual(yuv.width, frame.width)
            XCTAssertEqual(yuv.height, frame.height)
        }
        let png = try decoder.decode(frames[2])
        XCTAssertEqual(png.chromaWidth, png.width, "PNG becomes 4:4:4")
        XCTAssertEqual(png.range, .full)
        let reference = try ImageCodec.decode(fileAt: Clips.fixture("kit_with_rose_small.png"), as: .rgb8)
        let rgb = png.rgb()
        var worst = 0
        for i in 0..<rgb.pixels.count { worst = max(worst, abs(Int(rgb.pixels[i]) - Int(reference.pixels[i]))) }
        XCTAssertLessThanOrEqual(worst, 2)
    }

    func testGlobPatternAndUnreadableFiles() throws {
        let source = try ImageFolderSource(path: directory.path + "/*.jpg", frameRate: 4)
        XCTAssertEqual(source.paths.map { ($0 as NSString).lastPathComponent }, ["b.jpg", "d.jpg"])
        source.skipHandler = { _ in }
        let frames = try Clips.drain(source)
        XCTAssertEqual(frames.count, 1)
        XCTAssertEqual(source.skippedFrames, 1)

        // A listed file that vanished is skipped with its name.
        let log = SkipLog()
        let list = try ImageFolderSource(name: "list", paths: [directory.path + "/gone.jpg", directory.path + "/b.jpg"],
                                         frameRate: 2)
        list.skipHandler = log.handler
        let listed = try Clips.drain(list)
        XCTAssertEqual(listed.count, 1)
        XCTAssertEqual(listed[0].sequence, 1)
        XCTAssertEqual(listed[0].presentationTime, 0.5)
        XCTAssertEqual(log.all, ["\(directory.path)/gone.jpg: no such file or directory"])
    }

    func testNothingToReadIsAnError() throws {
        XCTAssertThrowsError(try ImageFolderSource(path: directory.path + "/*.gif")) { error in
            XCTAssertEqual("\(error)", "\(directory.path)/*.gif: no JPEG or PNG images found")
        }
        let empty = directory.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: false)
        XCTAssertThrowsError(try ImageFolderSource(path: empty.path)) { error in
            XCTAssertEqual(error as? FileSourceError, .noImages(pattern: empty.path))
        }
        XCTAssertThrowsError(try ImageFolderSource(path: directory.path + "/missing")) { error in
            XCTAssertEqual(error as? FileSourceError, .fileNotFound(path: directory.path + "/missing"))
        }
    }

    func testCancelStopsTheSource() throws {
        let source = try ImageFolderSource(path: directory.path)
        XCTAssertNotNil(try source.next())
        source.cancel()
        XCTAssertNil(try source.next())
    }
}
