import Settings
import XCTest

/// The settings file and its expansion into the run command's arguments, without the binary.
final class SettingsTests: XCTestCase {
    /// Help text as ArgumentParser renders it, with a valued option, a flag and an inverted pair.
    private let table = OptionTable(helpText: """
        OPTIONS:
          --fps <fps>             Frames per second.
          --detect-every <n>      Detect every Nth frame.
          --headless              No window.
          --loop/--no-loop        Loop the clip.
          -h, --help              Show help information.
        """)

    func testTheHelpTextGivesValuedOptionsFlagsAndInversions() {
        XCTAssertEqual(table.valued, ["fps", "detect-every"])
        XCTAssertEqual(table.flags, ["headless", "loop", "no-loop", "help"])
        XCTAssertEqual(table.canonical("no-loop"), "loop")
        XCTAssertFalse(table.contains("fsp"))
    }

    func testLinesCommentsAndQuotes() throws {
        let file = try ConfigFile(text: """
            # a comment
            fps = 12   # trailing comment
            source = "/dev/video0 # not a comment"

            loop=no
            """, path: "c.conf")
        XCTAssertEqual(file.entries, [
            .init(key: "fps", value: "12", line: 2),
            .init(key: "source", value: "/dev/video0 # not a comment", line: 3),
            .init(key: "loop", value: "no", line: 5),
        ])
    }

    func testBadLinesNameTheFileAndLine() {
        for (text, message) in [("fps", "c.conf:1: expected 'key = value', got 'fps'"),
                                ("\n= 3", "c.conf:2: no key before '='"),
                                ("fps =", "c.conf:1: 'fps' has no value"),
                                ("fps = 1\nfps = 2", "c.conf:2: 'fps' is already set on line 1")] {
            XCTAssertThrowsError(try ConfigFile(text: text, path: "c.conf")) { XCTAssertEqual("\($0)", message) }
        }
    }

    func testExpansionPutsTheFileFirstAndTheCommandLineWins() throws {
        let file = try ConfigFile(text: "fps = 12\ndetect-every = 3\nheadless = true\nloop = false\nsource = clip.mjpeg",
                                  path: "c.conf")
        let result = try ConfigExpansion.expand(["--config", "c.conf", "--fps", "30"], table: table) { _ in file }
        XCTAssertTrue(result.expanded)
        XCTAssertEqual(result.arguments, ["--detect-every=3", "--headless", "--no-loop", "--fps", "30", "clip.mjpeg"])
        // A positional source on the command line beats the file's; without --config nothing changes.
        XCTAssertEqual(try ConfigExpansion.expand(["--config=c.conf", "cam"], table: table) { _ in file }.arguments.last, "cam")
        XCTAssertEqual(try ConfigExpansion.expand(["--fps", "5"], table: table), .init(arguments: ["--fps", "5"], expanded: false))
    }

    func testUnknownKeysAndBadFlagValuesAreNamed() throws {
        for (text, message) in [("fsp = 3", "c.conf:1: unknown key 'fsp'"),
                                ("headless = maybe", "c.conf:1: 'headless' is a flag: use true or false, got 'maybe'"),
                                ("config = other.conf", "c.conf:1: 'config' cannot be set in a settings file")] {
            let file = try ConfigFile(text: text, path: "c.conf")
            XCTAssertThrowsError(try ConfigExpansion.expand(["--config", "c.conf"], table: table) { _ in file }) {
                XCTAssertTrue("\($0)".hasPrefix(message), "\($0)")
            }
        }
        XCTAssertThrowsError(try ConfigExpansion.expand(["--config"], table: table)) {
            XCTAssertEqual("\($0)", "--config: needs a value")
        }
    }
}
