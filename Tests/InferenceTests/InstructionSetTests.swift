import Foundation
import Inference
import TestSupport
import XCTest

/// One binary picks its kernels at run time from what the CPU has, and each choice can be forced.
final class InstructionSetTests: XCTestCase {
    /// The CPU's flags as the kernel reports them in /proc/cpuinfo.
    private func cpuFlags() throws -> Set<Substring> {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: " "))
    }

    func testBestMatchesTheCPUFlags() throws {
        #if arch(x86_64)
        let flags = try cpuFlags()
        let avx512 = ["avx512f", "avx512vl", "avx512dq", "avx512bw"].allSatisfy { flags.contains(Substring($0)) }
        let avx2 = flags.contains("avx2") && flags.contains("fma")
        XCTAssertEqual(InstructionSet.avx512.isSupported, avx512)
        XCTAssertEqual(InstructionSet.avx2.isSupported, avx2)
        XCTAssertEqual(InstructionSet.best, avx512 ? .avx512 : avx2 ? .avx2 : .baseline)
        #else
        XCTAssertEqual(InstructionSet.supported, [.baseline])
        #endif
        XCTAssertTrue(InstructionSet.baseline.isSupported)
    }

    func testEnvironmentChoosesAndValidates() throws {
        XCTAssertEqual(try InstructionSet.fromEnvironment([:]), .best)
        XCTAssertEqual(try InstructionSet.fromEnvironment(["FER_LIVE_ISA": "baseline"]), .baseline)
        XCTAssertEqual(try InstructionSet.fromEnvironment(["FER_LIVE_ISA": "BASELINE"]), .baseline)
        XCTAssertThrowsError(try InstructionSet.fromEnvironment(["FER_LIVE_ISA": "avx9"])) { error in
            XCTAssertEqual("\(error)", "FER_LIVE_ISA=avx9: not one of baseline, avx2, avx512")
        }
        for isa in InstructionSet.allCases where !isa.isSupported {
            XCTAssertThrowsError(try InstructionSet.fromEnvironment(["FER_LIVE_ISA": isa.rawValue])) { error in
                XCTAssertTrue("\(error)".contains("this CPU does not have it"), "\(error)")
            }
        }
    }

    func testSessionsRunOnTheChosenSetAndAgreeToTheBit() throws {
        let model = try ONNXModel(contentsOf: TestPaths.models.appendingPathComponent("emotion/fer_resnet24.onnx").path)
        let shape = [1, 1, 48, 48]
        let input = ModelBuilder.random(count: 48 * 48, seed: 7)
        var outputs: [InstructionSet: [Float]] = [:]
        for isa in InstructionSet.supported {
            var results: [[Float]] = []
            for orientation in [InferenceOptions.ProductOrientation.columns, .packedColumns, .channels, .measured, .ruled] {
                let session = try InferenceSession(model: model, inputShapes: ["input": shape],
                                                   options: InferenceOptions(instructionSet: isa,
                                                                             productOrientation: orientation))
                XCTAssertEqual(session.instructionSet, isa)
                results.append(try XCTUnwrap(try session.run(["input": input]).values.first))
            }
            // Every layout sums the taps in the same order.
            for result in results.dropFirst() { XCTAssertEqual(result, results[0], "\(isa): layouts differ") }
            outputs[isa] = results[0]
        }
        // Across instruction sets only rounding differs (fused or not): the same emotion, close scores.
        let reference = try XCTUnwrap(outputs[.baseline])
        for (isa, output) in outputs {
            XCTAssertLessThanOrEqual(ONNXRuntimeReference.maxAbsDifference(output, reference), 1e-4, "\(isa)")
        }
    }

    func testBadOptionsAreOneLineErrors() throws {
        let model = try ONNXModel(contentsOf: TestPaths.models.appendingPathComponent("emotion/fer_resnet24.onnx").path)
        XCTAssertThrowsError(try InferenceSession(model: model, options: InferenceOptions(threads: 0))) { error in
            XCTAssertEqual("\(error)", "threads 0: must be at least 1")
        }
        for isa in InstructionSet.allCases where !isa.isSupported {
            XCTAssertThrowsError(try InferenceSession(model: model, options: InferenceOptions(instructionSet: isa)))
        }
    }
}
