import Capture
import Foundation
import Glibc
import TestSupport
import XCTest

final class FileSourceOpenerTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestPaths.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func testSniffsContentNotExtensions() throws {
        let y4m = Array("YUV4MPEG2 W4 H2 F25:1 Cmono\nFRAME\n".utf8) + [UInt8](repeating: 7, count: 8)
        try Clips.write(y4m, to: path("video.bin"))
        XCTAssertTrue(try FileSourceOpener.open(path("video.bin")) is Y4MSource)

        let jpeg = try Clips.bytes(Clips.fixture("two_people.jpg"))
        try Clips.write(jpeg + jpeg, to: path("stream.dat"))
        let mjpeg = try FileSourceOpener.open(path("stream.dat"), frameRate: 12)
        XCTAssertTrue(mjpeg is MJPEGSource)
        XCTAssertEqual(mjpeg.frameRate, 12)
        XCTAssertEqual(try Clips.drain(mjpeg).count, 2)

        // A single photo is a one-frame stream.
        XCTAssertEqual(try Clips.drain(try FileSourceOpener.open(Clips.fixture("two_people.jpg"))).count, 1)
        let png = try FileSourceOpener.open(Clips.fixture("kit_with_rose_small.png"))
        XCTAssertTrue(png is ImageFolderSource)
        XCTAssertEqual(try Clips.drain(png).map(\.payload), [.png])

        // The Y4M header's rate wins over --fps.
        XCTAssertEqual(try FileSourceOpener.open(path("video.bin"), frameRate: 5).frameRate, 25)
    }

    func testDirectoriesGlobsAndRealtime() throws {
        try FileManager.default.copyItem(atPath: Clips.fixture("two_people.jpg"), toPath: path("1.jpg"))
        try FileManager.default.copyItem(atPath: Clips.fixture("obama_and_biden.jpg"), toPath: path("2.jpg"))
        let folder = try FileSourceOpener.open(directory.path)
        XCTAssertTrue(folder is ImageFolderSource)
        XCTAssertEqual(folder.frameRate, 1)
        XCTAssertEqual(try Clips.drain(try FileSourceOpener.open(path("*.jpg"))).count, 2)
        let paced = try FileSourceOpener.open(directory.path, frameRate: 50, realtime: true)
        XCTAssertTrue(paced is PacedSource)
        XCTAssertTrue(paced.isLive)
        XCTAssertEqual(try Clips.drain(paced).count, 2)
    }

    func testErrorsNameTheFile() throws {
        XCTAssertThrowsError(try FileSourceOpener.open(path("missing.y4m"))) { error in
            XCTAssertEqual("\(error)", "\(path("missing.y4m")): no such file or directory")
        }
        try Clips.write(Array("hello, world".utf8), to: path("notes.txt"))
        XCTAssertThrowsError(try FileSourceOpener.open(path("notes.txt"))) { error in
            XCTAssertEqual("\(error)", "\(path("notes.txt")): unknown format (starts with 68 65 6C 6C; "
                           + "expected a YUV4MPEG2 stream, JPEG/MJPEG data or a PNG)")
        }
        try Clips.write([], to: path("empty.mjpeg"))
        XCTAssertThrowsError(try FileSourceOpener.open(path("empty.mjpeg"))) { error in
            XCTAssertEqual("\(error)", "\(path("empty.mjpeg")): empty input")
        }
        try Clips.write(Array("YUV4MPEG2 W4 H2 C411\n".utf8), to: path("odd.y4m"))
        XCTAssertThrowsError(try FileSourceOpener.open(path("odd.y4m"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(path("odd.y4m")): bad header field C:"), "\(error)")
        }
        XCTAssertThrowsError(try FileSourceOpener.open(path("*.png"))) { error in
            XCTAssertEqual(error as? FileSourceError, .noImages(pattern: path("*.png")))
        }
        if getuid() != 0 {  // root reads anything
            try Clips.write(Array("YUV4MPEG2 W4 H2\n".utf8), to: path("secret.y4m"))
            chmod(path("secret.y4m"), 0)
            XCTAssertThrowsError(try FileSourceOpener.open(path("secret.y4m"))) { error in
                XCTAssertEqual("\(error)", "\(path("secret.y4m")): permission denied")
            }
        }
    }

    /// "-" reads stdin: the first bytes are sniffed and stay part of the stream.
    func testDashReadsStdin() throws {
        let jpeg = try Clips.bytes(Clips.fixture("two_people.jpg"))
        let y4m = Array("YUV4MPEG2 W4 H2 F10:1 Cmono\nFRAME\n".utf8) + [UInt8](repeating: 3, count: 8)
        for (bytes, expected) in [(jpeg + jpeg + jpeg, 3), (y4m, 1)] {
            // Tiny pieces for the Y4M case: the sniffing must wait for enough bytes.
            let pipe = Clips.pipe(bytes, chunk: bytes.count > 1000 ? 997 : 4, pauseEvery: 1)
            let savedStdin = dup(STDIN_FILENO)
            XCTAssertGreaterThanOrEqual(savedStdin, 0)
            XCTAssertEqual(dup2(pipe.fileHandleForReading.fileDescriptor, STDIN_FILENO), STDIN_FILENO)
            defer {
                dup2(savedStdin, STDIN_FILENO)
                close(savedStdin)
            }
            let source = try FileSourceOpener.open("-")
            XCTAssertEqual(source.name, "stdin")
            let frames = try Clips.drain(source)
            XCTAssertEqual(frames.count, expected)
            XCTAssertEqual(frames.first?.bytes.first, bytes.count == y4m.count ? 3 : 0xFF)
        }
    }
}
