import Foundation
import TestSupport
import XCTest

/// The C kernels build for the CPUs fer-live has no machine for here: aarch64 (Raspberry Pi, ARM kiosks;
/// the baseline kernels become NEON there) and baseline x86-64, with every warning an error.
final class KernelPortabilityTests: XCTestCase {
    /// The Swift toolchain's clang (the one SwiftPM builds CKernels with): in the first PATH directory
    /// that holds both `swift` and `clang`. A system clang elsewhere on PATH may be too old for the
    /// kernels' builtins, so it is not used.
    private func clang() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":") {
            let directory = URL(fileURLWithPath: String(dir))
            let clang = directory.appendingPathComponent("clang")
            if FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("swift").path),
               FileManager.default.isExecutableFile(atPath: clang.path) {
                return clang
            }
        }
        throw XCTSkip("no Swift toolchain with its clang on PATH")
    }

    /// Compiles Sources/CKernels/kernels.c for `target`; returns the object's disassembly.
    private func compile(target: String, extra: [String] = []) throws -> String {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sources = TestPaths.repository.appendingPathComponent("Sources/CKernels")
        let object = dir.appendingPathComponent("kernels.o")
        let compile = try Subprocess.run(try clang().path, [
            "--target=\(target)", "-O2", "-Wall", "-Wextra", "-Werror",
            "-I", sources.appendingPathComponent("include").path,
            "-c", sources.appendingPathComponent("kernels.c").path, "-o", object.path,
        ] + extra)
        XCTAssertEqual(compile.status, 0, "clang --target=\(target): \(compile.stderr)")
        let objdump = try clang().deletingLastPathComponent().appendingPathComponent("llvm-objdump")
        guard FileManager.default.isExecutableFile(atPath: objdump.path) else { return "" }
        return try Subprocess.run(objdump.path, ["-d", object.path]).stdout
    }

    func testKernelsBuildForAarch64WithNEON() throws {
        let disassembly = try compile(target: "aarch64-linux-gnu")
        if !disassembly.isEmpty {
            // Fused multiply-adds on 4 x f32 NEON registers.
            XCTAssertTrue(disassembly.contains("fmla"), "no NEON fmla in the aarch64 kernels")
        }
    }

    func testKernelsBuildForBaselineX86_64() throws {
        let disassembly = try compile(target: "x86_64-linux-gnu", extra: ["-march=x86-64"])
        if !disassembly.isEmpty {
            // The AVX-512 variant is there, behind its target attribute, in a baseline build.
            XCTAssertTrue(disassembly.contains("zmm"), "no AVX-512 code in a baseline x86-64 build")
        }
    }
}
