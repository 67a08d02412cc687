import Display
import Foundation
import XCTest

/// Without a display the window refuses quickly with one line, so the caller can go on headless.
final class NoDisplayTests: XCTestCase {
    private var saved: [String: String] = [:]
    private let names = ["DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"]

    override func setUp() {
        super.setUp()
        for name in names { if let v = getenv(name) { saved[name] = String(cString: v) } }
    }

    override func tearDown() {
        for name in names {
            if let v = saved[name] { setenv(name, v, 1) } else { unsetenv(name) }
        }
        super.tearDown()
    }

    func testNoDisplaySetThrowsUnavailableAtOnce() throws {
        for name in names { unsetenv(name) }
        let start = Date()
        XCTAssertThrowsError(try OverlayWindow(title: "t", width: 320, height: 240)) { error in
            XCTAssertEqual(error as? DisplayError, .unavailable("no display: DISPLAY and WAYLAND_DISPLAY are unset"))
            XCTAssertEqual("\(error)", "display unavailable: no display: DISPLAY and WAYLAND_DISPLAY are unset")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
    }

    func testDisplayWithoutServerThrowsUnavailableQuickly() throws {
        for name in names { unsetenv(name) }
        // A display number no server listens on.
        let number = (4000..<4100).first { !FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\($0)") } ?? 4099
        setenv("DISPLAY", ":\(number)", 1)
        let start = Date()
        XCTAssertThrowsError(try OverlayWindow(title: "t", width: 320, height: 240)) { error in
            guard case .unavailable(let reason)? = error as? DisplayError else {
                return XCTFail("expected DisplayError.unavailable, got \(error)")
            }
            XCTAssertFalse("\(error)".contains("\n"), "the message should be one line: \(error)")
            XCTAssertTrue(reason.hasPrefix("SDL video: "), reason)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }
}
