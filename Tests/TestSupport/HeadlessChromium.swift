import Foundation

/// Debian's chromium, run headless in real time through `Tests/Browser/cdp_page.py` (the DevTools protocol over
/// a pipe): the page's DOM at chosen moments, its console messages, and a screenshot.
public enum HeadlessChromium {
    /// The browser executable on PATH, or nil.
    public static let path: String? = {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in dirs + ["/usr/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }()

    /// The message of a test that skips for lack of a browser.
    public static let missing = "skipped: needs Debian's chromium on PATH (./dev.sh test installs it)"

    /// What one visit left behind.
    public struct Visit: Sendable {
        /// The page's HTML at each moment asked for (after its scripts ran).
        public var doms: [String]
        /// Console messages, uncaught exceptions and failed loads, as `level: text`.
        public var console: [String]
        /// The PNG screenshot taken at the last moment (empty unless asked for).
        public var png: Data
    }

    /// Opens `url` at `width`x`height`, reads the DOM `at` each number of seconds after navigation, and takes a
    /// screenshot at the end when `screenshot` is true.
    public static func visit(_ url: String, at moments: [Double] = [2], screenshot: Bool = false,
                             width: Int = 1000, height: Int = 1400) throws -> Visit {
        guard let path else { throw CocoaError(.fileNoSuchFile) }
        let script = TestPaths.repository.appendingPathComponent("Tests/Browser/cdp_page.py").path
        let shot = FileManager.default.temporaryDirectory.appendingPathComponent("shot-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: shot) }
        var arguments = [script, url, "--chromium", path, "--width", "\(width)", "--height", "\(height)"]
        for moment in moments { arguments += ["--at", "\(moment)"] }
        if screenshot { arguments += ["--screenshot", shot.path] }
        let result = try Subprocess.run("/usr/bin/env", ["python3"] + arguments)
        guard result.status == 0,
              let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw BrowserError(message: "cdp_page.py \(url) failed (\(result.status)): \(result.stderr)")
        }
        return Visit(doms: object["doms"] as? [String] ?? [], console: object["console"] as? [String] ?? [],
                     png: screenshot ? try Data(contentsOf: shot) : Data())
    }

    /// The browser could not be driven.
    public struct BrowserError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
