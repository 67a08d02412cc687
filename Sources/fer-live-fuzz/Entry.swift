import Foundation
import FuzzTargets

/// Writes one line to stderr.
private func complain(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

#if FER_LIVE_FUZZING

/// The target `FER_LIVE_FUZZ_TARGET` names, looked up once.
private let selected: FuzzTarget = {
    guard let raw = getenv("FER_LIVE_FUZZ_TARGET") else {
        complain("fer-live-fuzz: set FER_LIVE_FUZZ_TARGET to one of \(FuzzTargets.all.map(\.name).joined(separator: ", "))")
        exit(2)
    }
    let name = String(cString: raw)
    if name == "list" {
        // One target a line: name, tab, largest useful input, tab, what it reaches (for ./dev.sh fuzz).
        for target in FuzzTargets.all { print("\(target.name)\t\(target.maximumLength)\t\(target.summary)") }
        exit(0)
    }
    guard let target = FuzzTargets.named(name) else {
        complain("fer-live-fuzz: unknown target '\(name)' (choose from \(FuzzTargets.all.map(\.name).joined(separator: ", ")))")
        exit(2)
    }
    return target
}()

/// libFuzzer's set-up hook: resolves the target before the first input (so a bad name stops at once).
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    _ = selected
    return 0
}

/// libFuzzer's entry: one input through the selected target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    selected.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else

/// Without libFuzzer: `fer-live-fuzz` lists the targets (name, tab, max length, tab, summary);
/// `fer-live-fuzz TARGET FILE...` runs files through a target (a crash reproduces under a normal build).
@main
enum FuzzReplay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first else {
            for target in FuzzTargets.all { print("\(target.name)\t\(target.maximumLength)\t\(target.summary)") }
            return
        }
        guard let target = FuzzTargets.named(name) else {
            complain("fer-live-fuzz: unknown target '\(name)' (choose from \(FuzzTargets.all.map(\.name).joined(separator: ", ")))")
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                complain("fer-live-fuzz: cannot read \(path)")
                exit(1)
            }
            target.run([UInt8](data))
            print("\(path): ok")
        }
    }
}
#endif
