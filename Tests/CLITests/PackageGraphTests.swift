import Foundation
import TestSupport
import XCTest

/// The module graph tells the truth: every Swift target declares exactly the modules its files import.
///
/// SwiftPM's `--explicit-target-dependency-import-check` (on in `./dev.sh test`) only catches imports from outside
/// a target's *transitive* dependencies; this test also catches a missing direct one and a declared one nothing uses.
final class PackageGraphTests: XCTestCase {
    /// Modules of the toolchain and the OS, which no target declares.
    private static let system: Set<String> = [
        "Foundation", "FoundationEssentials", "Dispatch", "Glibc", "Musl", "Darwin", "Synchronization", "XCTest",
        "Testing", "_Concurrency", "os",
    ]

    private struct Manifest: Decodable {
        struct Target: Decodable {
            let name: String
            let type: String
            let path: String?
            let dependencies: [Dependency]
        }
        /// `{"byName": [name, condition]}`, `{"target": [name, condition]}` or `{"product": [name, package, …]}`.
        struct Dependency: Decodable {
            let name: String
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: AnyKey.self)
                guard let key = container.allKeys.first else {
                    throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "empty dependency"))
                }
                var values = try container.nestedUnkeyedContainer(forKey: key)
                name = try values.decode(String.self)
            }
        }
        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        let targets: [Target]
    }

    /// The module names a Swift file imports (`import X`, `@preconcurrency import X`, `public import X`, `import struct X.Y`).
    static func imports(in text: String) -> Set<String> {
        var modules = Set<String>()
        let qualifiers: Set<String> = ["@preconcurrency", "@_implementationOnly", "@testable", "public", "internal", "package",
                                       "private", "fileprivate"]
        let kinds: Set<String> = ["struct", "class", "enum", "protocol", "typealias", "func", "var", "let"]
        for line in text.split(separator: "\n") {
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            while let first = words.first, qualifiers.contains(first) { words.removeFirst() }
            guard words.first == "import", words.count >= 2 else { continue }
            var module = words[1]
            if kinds.contains(module), words.count >= 3 { module = words[2] }
            modules.insert(String(module.split(separator: ".")[0]))
        }
        return modules
    }

    func testImportParsing() {
        let word = "import"  // spelled out, these lines would count as this file's own imports
        XCTAssertEqual(Self.imports(in: """
            \(word) Foundation
            @preconcurrency \(word) Dispatch  // a comment
            public \(word) Capture
            \(word) struct Imaging.Image
              // \(word) NotThis
            let x = "\(word) Nope"
            """), ["Foundation", "Dispatch", "Capture", "Imaging"])
    }

    func testEveryTargetDeclaresExactlyWhatItImports() throws {
        let repository = TestPaths.repository
        guard let swift = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
            .map({ "\($0)/swift" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("skipped: needs `swift` on PATH to read the manifest")
        }
        // Its own scratch path: the running `swift test` holds the lock on .build.
        let scratch = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let dump = try Subprocess.run(swift, ["package", "--package-path", repository.path, "--scratch-path", scratch.path,
                                              "dump-package"])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(dump.stdout.utf8))
        let names = Set(manifest.targets.map(\.name))
        var problems: [String] = []
        var checked = 0
        for target in manifest.targets where target.type != "system" {
            let folder = target.path ?? ((target.type == "test" ? "Tests/" : "Sources/") + target.name)
            let root = repository.appendingPathComponent(folder)
            guard let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            var imported = Set<String>()
            var swiftFiles = 0
            for case let url as URL in files where url.pathExtension == "swift" {
                swiftFiles += 1
                imported.formUnion(Self.imports(in: try String(contentsOf: url, encoding: .utf8)))
            }
            guard swiftFiles > 0 else { continue }  // a C target
            checked += 1
            let used = imported.subtracting(Self.system).subtracting([target.name.replacingOccurrences(of: "-", with: "_")])
            let declared = Set(target.dependencies.map(\.name))
            let missing = used.subtracting(declared).sorted()
            let unused = declared.subtracting(used).sorted()
            if !missing.isEmpty { problems.append("\(target.name) imports \(missing) without declaring it") }
            if !unused.isEmpty { problems.append("\(target.name) declares \(unused) and imports none of it") }
        }
        XCTAssertGreaterThan(checked, 30, "every Swift target was read (\(names.count) in the manifest)")
        XCTAssertEqual(problems, [], problems.joined(separator: "\n"))

        // The README's layout table is the same graph: every non-test target once, with its declared dependencies.
        let readme = try String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8)
        let rows = Self.graphTable(in: readme)
        XCTAssertFalse(rows.isEmpty, "README.md has the module graph table after its marker")
        var listed: [String: Set<String>] = [:]
        for (modules, dependencies) in rows {
            for module in modules {
                XCTAssertNil(listed[module], "README lists \(module) twice")
                listed[module] = dependencies
            }
        }
        for target in manifest.targets where target.type != "test" {
            guard let dependencies = listed.removeValue(forKey: target.name) else {
                XCTFail("README's module graph lacks \(target.name)")
                continue
            }
            XCTAssertEqual(dependencies, Set(target.dependencies.map(\.name)), "README: \(target.name)'s dependencies")
        }
        XCTAssertEqual(listed.keys.sorted(), [], "README lists modules the package does not have")
    }

    /// The rows of the table after `<!-- module graph` in the README: the modules of the first column and the
    /// dependencies of the second, each a set of backticked names.
    static func graphTable(in readme: String) -> [(Set<String>, Set<String>)] {
        guard let marker = readme.range(of: "<!-- module graph") else { return [] }
        var rows: [(Set<String>, Set<String>)] = []
        for line in readme[marker.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).dropFirst() {
            guard line.hasPrefix("|") else { if rows.isEmpty { continue } else { break } }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard cells.count >= 3, cells[1].contains("`") else { continue }  // the header and the rule
            rows.append((backticked(cells[1]), backticked(cells[2])))
        }
        return rows
    }

    private static func backticked(_ cell: String) -> Set<String> {
        Set(cell.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) })
    }
}
