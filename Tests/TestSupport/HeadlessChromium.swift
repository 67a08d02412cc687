import Foundation

/// Debian's chromium, run headless: a page's screenshot, its DOM after its scripts ran, and its console messages.
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

    /// What one headless load left behind.
    public struct Load: Sendable {
        /// The PNG screenshot (empty when only the DOM was asked for).
        public var png: Data
        /// The serialized DOM after the page's scripts ran (empty for a screenshot).
        public var dom: String
        /// Messages the page wrote to its console (errors, uncaught exceptions, failed loads).
        public var console: [String]
    }

    /// Loads `url` for `budgetMilliseconds` of virtual time, then takes a screenshot of `width`x`height`
    /// (or dumps the DOM when `dom` is true).
    public static func load(_ url: String, width: Int = 1000, height: Int = 1400, budgetMilliseconds: Int = 3000,
                            dom: Bool = false) throws -> Load {
        guard let path else { throw CocoaError(.fileNoSuchFile) }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let shot = profile.appendingPathComponent("shot.png")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        var arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0",
            "--virtual-time-budget=\(budgetMilliseconds)", "--window-size=\(width),\(height)",
        ]
        arguments.append(dom ? "--dump-dom" : "--screenshot=\(shot.path)")
        arguments.append(url)
        // No D-Bus in containers: keep chromium from looking for one (its complaints are not the page's).
        let result = try Subprocess.run(path, arguments, environment: ["DBUS_SESSION_BUS_ADDRESS": "disabled:"])
        let console = result.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        let png = dom ? Data() : ((try? Data(contentsOf: shot)) ?? Data())
        return Load(png: png, dom: dom ? result.stdout : "", console: console)
    }
}
