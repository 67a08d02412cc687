import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// Each operator, in the configurations the models use and a few they do not, against ONNX Runtime.
final class OperatorConformanceTests: XCTestCase {
    typealias B = ModelBuilder

    /// Runs the built model in the engine and in ONNX Runtime on seeded random inputs.
    private func assertMatchesORT(_ builder: ModelBuilder, inputs: [String: [Int]], scale: Float = 1,
                                  tolerance: Float = 1e-4, file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.onnx")
        try builder.write(to: url)
        var feeds: [String: [Float]] = [:]
        var reference: [String: ONNXRuntimeReference.Tensor] = [:]
        for (i, (name, shape)) in inputs.sorted(by: { $0.key < $1.key }).enumerated() {
            let values = ModelBuilder.random(count: shape.reduce(1, *), seed: UInt64(100 + i)).map { $0 * scale }
            feeds[name] = values
            reference[name] = .init(shape: shape, values: values)
        }
        let model = try ONNXModel(contentsOf: url.path)
        let theirs = try ONNXRuntimeReference.run(model: url, inputs: reference)
        // Every kernel variant this CPU can run: each instruction set, each product orientation.
        for options in Self.kernelVariants {
            let session = try InferenceSession(model: model, inputShapes: inputs, options: options)
            let ours = try session.run(feeds)
            for binding in session.outputs {
                let expected = try XCTUnwrap(theirs[binding.name], file: file, line: line)
                XCTAssertEqual(binding.shape, expected.shape, "shape of \(binding.name)", file: file, line: line)
                let diff = ONNXRuntimeReference.maxAbsDifference(ours[binding.name]!, expected.values)
                XCTAssertLessThanOrEqual(diff, tolerance, "\(binding.name) with \(options): max abs difference",
                                         file: file, line: line)
            }
        }
    }

    /// Each supported instruction set with vectors along the pixels (in place and packed) and along the
    /// output channels in the planar layout, and with the blocked layout where it applies; the widest one the
    /// same way with two threads (which only convolutions of 1 MMAC or more use).
    static let kernelVariants: [InferenceOptions] = InstructionSet.supported.flatMap { isa in
        [InferenceOptions.ProductOrientation.columns, .packedColumns, .channels].map {
            InferenceOptions(instructionSet: isa, productOrientation: $0, layout: .planar)
        } + [InferenceOptions(instructionSet: isa, layout: .blocked)]
    } + [InferenceOptions.ProductOrientation.columns, .packedColumns, .channels].map {
        InferenceOptions(threads: 2, productOrientation: $0, layout: .planar)
    } + [InferenceOptions(threads: 2, layout: .blocked)]

    func testConvolutionVariants() throws {
        // (input shape, weight shape, attributes)
        let cases: [([Int], [Int], [Onnx_AttributeProto])] = [
            ([1, 3, 17, 23], [8, 3, 3, 3], [B.ints("pads", [1, 1, 1, 1])]),
            ([1, 4, 16, 16], [6, 4, 1, 1], []),
            ([2, 4, 9, 11], [6, 4, 1, 1], [B.ints("strides", [2, 2])]),
            ([1, 8, 20, 20], [8, 1, 3, 3], [B.int("group", 8), B.ints("pads", [1, 1, 1, 1])]),
            ([1, 8, 21, 19], [8, 1, 3, 3], [B.int("group", 8), B.ints("strides", [2, 2]), B.ints("pads", [1, 1, 1, 1])]),
            ([1, 8, 20, 20], [8, 1, 5, 5], [B.int("group", 8), B.ints("pads", [2, 1, 2, 3])]),
            ([1, 6, 14, 14], [9, 2, 3, 3], [B.int("group", 3), B.ints("dilations", [2, 2]), B.ints("pads", [2, 2, 2, 2])]),
            ([1, 3, 15, 15], [4, 3, 3, 3], [B.ints("strides", [2, 2]), B.string("auto_pad", "SAME_UPPER")]),
            ([1, 3, 15, 15], [4, 3, 3, 3], [B.ints("dilations", [3, 2]), B.ints("pads", [3, 2, 3, 2])]),
            ([1, 2, 10, 12], [4, 2, 3, 2], [B.string("auto_pad", "VALID"), B.ints("strides", [1, 2])]),
            // Direct convolution: 24-, 8- and 1-column tiles, output channels not a multiple of 4, batch 2.
            ([2, 3, 31, 41], [7, 3, 3, 3], [B.ints("strides", [2, 2]), B.ints("pads", [1, 1, 1, 1])]),
            ([1, 1, 20, 35], [5, 1, 3, 3], []),
            ([1, 8, 12, 30], [9, 8, 3, 3], [B.ints("pads", [0, 2, 1, 0])]),
            ([2, 5, 7, 29], [1, 5, 1, 1], []),
            ([1, 12, 9, 9], [6, 12, 1, 1], [B.ints("strides", [2, 2])]),
            ([1, 4, 13, 11], [6, 2, 3, 3], [B.int("group", 2), B.ints("strides", [3, 2]), B.ints("pads", [1, 1, 1, 1])]),
            // Depthwise 3x3 through the row ring: widths below, at and past 16, one-sided padding, batch 2.
            ([2, 3, 6, 5], [3, 1, 3, 3], [B.int("group", 3), B.ints("pads", [1, 1, 1, 1])]),
            ([1, 4, 9, 16], [4, 1, 3, 3], [B.int("group", 4), B.ints("pads", [1, 1, 1, 1])]),
            ([1, 4, 7, 37], [4, 1, 3, 3], [B.int("group", 4), B.ints("pads", [0, 1, 1, 0])]),
            ([1, 2, 8, 19], [2, 1, 3, 3], [B.int("group", 2)]),
            // Depthwise 3x3 at stride 2: rows wide enough for the vector even/odd split (AVX-512: 32+),
            // padding on both sides, on one side, none.
            ([1, 4, 9, 70], [4, 1, 3, 3], [B.int("group", 4), B.ints("strides", [2, 2]), B.ints("pads", [1, 1, 1, 1])]),
            ([1, 3, 10, 67], [3, 1, 3, 3], [B.int("group", 3), B.ints("strides", [2, 2]), B.ints("pads", [0, 1, 1, 0])]),
            ([2, 2, 11, 40], [2, 1, 3, 3], [B.int("group", 2), B.ints("strides", [2, 2])]),
            // Small planes, many channels (the channel orientation): 16-channel blocks with a partial one,
            // an 8-column tile plus a tile ending at n, single columns, batch 2.
            ([1, 24, 6, 6], [40, 24, 3, 3], [B.ints("pads", [1, 1, 1, 1])]),
            ([1, 32, 3, 3], [20, 32, 3, 3], [B.ints("pads", [1, 1, 1, 1])]),
            ([1, 40, 1, 1], [17, 40, 1, 1], []),
            ([2, 16, 5, 7], [33, 16, 1, 1], []),
            ([1, 16, 12, 12], [48, 16, 3, 3], [B.ints("strides", [2, 2]), B.ints("pads", [1, 1, 1, 1])]),
        ]
        for (i, (x, w, attributes)) in cases.enumerated() {
            var b = ModelBuilder()
            b.input("x", x)
            b.randomWeight("w", w, seed: UInt64(i))
            b.randomWeight("b", [w[0]], seed: UInt64(50 + i))
            b.node("Conv", ["x", "w", "b"], ["y"], attributes + [B.ints("kernel_shape", [w[2], w[3]])])
            b.output("y")
            try assertMatchesORT(b, inputs: ["x": x])
        }
    }

    func testLargeConvolutionsSharedAmongThreads() throws {
        // Over the 1-MMAC threshold: a padded 3x3 (threads share the rows), a 1x1 over the whole plane
        // (threads share the output channels, 40 of them: blocks of 8 or 16 and a partial one), a
        // small plane with many channels (the channel orientation), and grouped.
        let cases: [([Int], [Int], [Onnx_AttributeProto])] = [
            ([1, 32, 40, 40], [64, 32, 3, 3], [B.ints("pads", [1, 1, 1, 1])]),
            ([1, 64, 40, 40], [40, 64, 1, 1], []),
            ([1, 128, 7, 7], [136, 128, 3, 3], [B.ints("pads", [1, 1, 1, 1])]),
            ([1, 64, 30, 30], [64, 16, 3, 3], [B.int("group", 4), B.ints("pads", [1, 1, 1, 1])]),
        ]
        for (i, (x, w, attributes)) in cases.enumerated() {
            var b = ModelBuilder()
            b.input("x", x)
            b.randomWeight("w", w, seed: UInt64(70 + i))
            b.randomWeight("b", [w[0]], seed: UInt64(80 + i))
            b.node("Conv", ["x", "w", "b"], ["c"], attributes + [B.ints("kernel_shape", [w[2], w[3]])])
            b.node("Relu", ["c"], ["y"])
            b.output("y")
            try assertMatchesORT(b, inputs: ["x": x], scale: 0.5)
        }
    }

    func testConvFusedWithBatchNormAndActivations() throws {
        // A direct convolution, one with 20 outputs (which the channel orientation takes), a depthwise one.
        let filters: [([Int], Int)] = [([6, 4, 3, 3], 1), ([20, 4, 3, 3], 1), ([4, 1, 3, 3], 4)]
        for activation in ["Relu", "PRelu", "Clip", "LeakyRelu", "Sigmoid"] {
            for (weightShape, group) in filters {
                let m = weightShape[0]
                var b = ModelBuilder()
                b.input("x", [1, 4, 12, 21])
                b.randomWeight("w", weightShape, seed: 1)
                for (j, name) in ["scale", "bias", "mean"].enumerated() { b.randomWeight(name, [m], seed: UInt64(10 + j)) }
                b.weight("var", [m], (0..<m).map { 0.5 + Float($0) / 10 })
                b.node("Conv", ["x", "w"], ["c"], [B.ints("pads", [1, 1, 1, 1]), B.int("group", group)])
                b.node("BatchNormalization", ["c", "scale", "bias", "mean", "var"], ["n"], [B.float("epsilon", 1e-3)])
                switch activation {
                case "PRelu":
                    b.randomWeight("slope", [m, 1, 1], seed: 20)
                    b.node("PRelu", ["n", "slope"], ["y"])
                case "Clip":
                    b.weight("lo", [], [0]); b.weight("hi", [], [0.5])
                    b.node("Clip", ["n", "lo", "hi"], ["y"])
                case "LeakyRelu":
                    b.node("LeakyRelu", ["n"], ["y"], [B.float("alpha", 0.2)])
                default:
                    b.node(activation, ["n"], ["y"])
                }
                b.output("y")
                try assertMatchesORT(b, inputs: ["x": [1, 4, 12, 21]])
            }
        }
    }

    /// The op names of the kernels a session plans for the model (fused kernels name their parts).
    private func plannedOps(_ builder: ModelBuilder, inputs: [String: [Int]]) throws -> [String] {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.onnx")
        try builder.write(to: url)
        let session = try InferenceSession(model: try ONNXModel(contentsOf: url.path), inputShapes: inputs,
                                           options: InferenceOptions(layout: .blocked))
        return session.profile(runs: 1).map(\.op)
    }

    func testDepthwiseFusedWithMaxPool() throws {
        // A stride-1 depthwise 3x3, its activation and a 2x2 stride-2 max pool run as one kernel: a YuNet
        // 640x480 first-block plane (threads share its channels), odd heights and widths (the last row and
        // column dropped), rows narrower than a vector and with a vector tail, no padding, a sigmoid, batch 2.
        let cases: [([Int], String, [Int])] = [
            ([1, 16, 240, 320], "Relu", [1, 1, 1, 1]),
            ([2, 3, 9, 13], "Relu", [1, 1, 1, 1]),
            ([1, 4, 7, 5], "Sigmoid", [1, 1, 1, 1]),
            ([1, 5, 12, 38], "LeakyRelu", [0, 1, 1, 0]),
            ([1, 2, 6, 70], "Relu", [0, 0, 0, 0]),
            ([1, 3, 2, 2], "Relu", [1, 1, 1, 1]),
            // Four-row blocks read in place (rows of two vectors or more, padded one column each side), with a
            // two-row block after them, and the leaky slope.
            ([1, 3, 10, 48], "LeakyRelu", [1, 1, 1, 1]),
            ([1, 2, 13, 33], "Sigmoid", [1, 1, 1, 1]),
        ]
        for (i, (x, activation, pads)) in cases.enumerated() {
            var b = ModelBuilder()
            b.input("x", x)
            b.randomWeight("w", [x[1], 1, 3, 3], seed: UInt64(90 + i))
            b.randomWeight("b", [x[1]], seed: UInt64(100 + i))
            b.node("Conv", ["x", "w", "b"], ["c"],
                   [B.int("group", x[1]), B.ints("pads", pads), B.ints("kernel_shape", [3, 3])])
            b.node(activation, ["c"], ["a"], activation == "LeakyRelu" ? [B.float("alpha", 0.1)] : [])
            b.node("MaxPool", ["a"], ["y"], [B.ints("kernel_shape", [2, 2]), B.ints("strides", [2, 2])])
            b.output("y")
            try assertMatchesORT(b, inputs: ["x": x])
            XCTAssertEqual(try plannedOps(b, inputs: ["x": x]), ["Conv(depthwise)+MaxPool"], "\(x)")
        }
    }

    func testDepthwiseRowsReadInPlace() throws {
        // Stride-1 depthwise 3x3 padded one column each side, in blocks of four output rows that read the
        // input rows in place for rows of two vectors or more (8 baseline, 16 AVX2, 32 AVX-512), the first
        // and last vector shifting the padding in: widths at and past a multiple of each vector, heights that
        // leave a two-row and a one-row remainder, every epilogue (clamp, leaky slope, sigmoid), batch 2.
        let cases: [([Int], String)] = [
            ([1, 3, 11, 45], "Relu"),
            ([2, 2, 8, 32], "LeakyRelu"),
            ([1, 4, 6, 80], "Sigmoid"),
            ([1, 2, 9, 17], "Clip"),
            ([1, 3, 4, 8], "LeakyRelu"),
            ([1, 2, 5, 64], "Relu"),
        ]
        for (i, (x, activation)) in cases.enumerated() {
            var b = ModelBuilder()
            b.input("x", x)
            b.randomWeight("w", [x[1], 1, 3, 3], seed: UInt64(120 + i))
            b.randomWeight("b", [x[1]], seed: UInt64(130 + i))
            b.node("Conv", ["x", "w", "b"], ["c"],
                   [B.int("group", x[1]), B.ints("pads", [1, 1, 1, 1]), B.ints("kernel_shape", [3, 3])])
            switch activation {
            case "LeakyRelu": b.node(activation, ["c"], ["y"], [B.float("alpha", 0.1)])
            case "Clip":
                b.weight("lo", [], [-0.2]); b.weight("hi", [], [0.3])
                b.node("Clip", ["c", "lo", "hi"], ["y"])
            default: b.node(activation, ["c"], ["y"], [])
            }
            b.output("y")
            try assertMatchesORT(b, inputs: ["x": x])
            XCTAssertEqual(try plannedOps(b, inputs: ["x": x]), ["Conv(depthwise)"], "\(x)")
        }
    }

    func testResidualAddFusedIntoConvolution() throws {
        // Conv (BatchNormalization folded) + Add of a tensor computed earlier + activation, as one kernel: a 1x1
        // run over the plane (ResNet's bottleneck end), a small plane with many channels (the channel
        // orientation), a padded 3x3 run row by row and one banded at stride 2 (rows of 64 or more), the Add's
        // operands either way round, a sigmoid after it, batch 2; every instruction set and two threads.
        let cases: [(x: [Int], w: [Int], attributes: [Onnx_AttributeProto], swapped: Bool, activation: String)] = [
            ([1, 8, 12, 20], [24, 8, 1, 1], [], false, "Relu"),
            ([2, 32, 5, 5], [40, 32, 1, 1], [], true, "Relu"),
            ([1, 4, 6, 70], [6, 4, 3, 3], [B.ints("pads", [1, 1, 1, 1])], false, "Sigmoid"),
            ([1, 3, 9, 140], [5, 3, 3, 3], [B.ints("pads", [1, 1, 1, 1]), B.ints("strides", [2, 2])], true, "LeakyRelu"),
        ]
        for (i, c) in cases.enumerated() {
            let m = c.w[0]
            let (kh, kw) = (c.w[2], c.w[3])
            let stride = c.attributes.contains { $0.name == "strides" } ? 2 : 1
            let pad = c.attributes.contains { $0.name == "pads" } ? 1 : 0
            let oh = (c.x[2] + 2 * pad - kh) / stride + 1, ow = (c.x[3] + 2 * pad - kw) / stride + 1
            var b = ModelBuilder()
            b.input("x", c.x)
            b.input("r", [c.x[0], m, oh, ow])
            b.randomWeight("w", c.w, seed: UInt64(140 + i))
            for (j, name) in ["scale", "bias", "mean"].enumerated() { b.randomWeight(name, [m], seed: UInt64(150 + j)) }
            b.weight("var", [m], (0..<m).map { 0.5 + Float($0) / 10 })
            b.node("Conv", ["x", "w"], ["c"], c.attributes + [B.ints("kernel_shape", [kh, kw])])
            b.node("BatchNormalization", ["c", "scale", "bias", "mean", "var"], ["n"], [B.float("epsilon", 1e-3)])
            b.node("Add", c.swapped ? ["r", "n"] : ["n", "r"], ["s"])
            b.node(c.activation, ["s"], ["y"], c.activation == "LeakyRelu" ? [B.float("alpha", 0.1)] : [])
            b.output("y")
            let inputs = ["x": c.x, "r": [c.x[0], m, oh, ow]]
            try assertMatchesORT(b, inputs: inputs)
            XCTAssertEqual(try plannedOps(b, inputs: inputs), [kh == 1 ? "Conv(1x1)+Add" : "Conv+Add"], "case \(i)")
        }
    }

    func testBlockedConvolutions() throws {
        // Chains of three convolutions in the blocked layout (converted in once and out once), the second padded
        // so that it reads the first's border (which the arena may have left dirty), a strided one; input
        // channels off a multiple of 16, outputs off the 4-block tile, planes off a multiple of the 6-pixel
        // tile, one-sided padding, batch 2, each activation kind.
        let cases: [(x: [Int], m: [Int], k: [Int], pads: [[Int]], strides: [Int], activation: String)] = [
            ([1, 64, 9, 11], [80, 72, 64], [1, 3, 1], [[0, 0, 0, 0], [1, 1, 1, 1], [0, 0, 0, 0]], [1, 1, 2], "Relu"),
            ([2, 70, 7, 7], [96, 64, 144], [3, 3, 1], [[1, 1, 1, 1], [0, 1, 1, 0], [0, 0, 0, 0]], [2, 1, 1], "LeakyRelu"),
            ([1, 64, 5, 13], [64, 72, 64], [3, 1, 3], [[1, 1, 1, 1], [0, 0, 0, 0], [1, 1, 1, 1]], [1, 1, 2], "Clip"),
            ([1, 96, 6, 6], [64, 64, 64], [1, 3, 3], [[0, 0, 0, 0], [1, 1, 1, 1], [1, 1, 1, 1]], [1, 2, 1], "PRelu"),
            // Single-block layers on rows of 12 or more: the wide tiles, one and two pixels apart, and the tiles of
            // six where a tile would cross a row.
            ([1, 32, 5, 30], [16, 16, 16], [1, 3, 1], [[0, 0, 0, 0], [1, 1, 1, 1], [0, 0, 0, 0]], [1, 1, 2], "Relu"),
            // Rows of 33: two whole vectors of 16 converted in and out by transposes, and one pixel on its own.
            ([1, 16, 4, 33], [16, 32, 48], [1, 1, 3], [[0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]], [1, 1, 1], "Relu"),
        ]
        for (i, c) in cases.enumerated() {
            var b = ModelBuilder()
            b.input("x", c.x)
            var input = "x", channels = c.x[1]
            for layer in 0..<3 {
                let m = c.m[layer], k = c.k[layer]
                // Scaled by the fan-in, so that values stay near 1 through the chain (and 1e-4 stays a fair test).
                let fanIn = channels * k * k, scale = 1 / Float(fanIn).squareRoot()
                b.weight("w\(layer)", [m, channels, k, k],
                         ModelBuilder.random(count: m * fanIn, seed: UInt64(200 + 10 * i + layer)).map { $0 * scale })
                b.randomWeight("b\(layer)", [m], seed: UInt64(300 + 10 * i + layer))
                b.node("Conv", [input, "w\(layer)", "b\(layer)"], ["c\(layer)"],
                       [B.ints("kernel_shape", [k, k]), B.ints("pads", c.pads[layer]),
                        B.ints("strides", [c.strides[layer], c.strides[layer]])])
                switch c.activation {
                case "LeakyRelu": b.node("LeakyRelu", ["c\(layer)"], ["a\(layer)"], [B.float("alpha", 0.1)])
                case "Clip":
                    b.weight("lo\(layer)", [], [-0.5])
                    b.weight("hi\(layer)", [], [0.75])
                    b.node("Clip", ["c\(layer)", "lo\(layer)", "hi\(layer)"], ["a\(layer)"])
                case "PRelu":
                    b.randomWeight("s\(layer)", [m, 1, 1], seed: UInt64(400 + layer))
                    b.node("PRelu", ["c\(layer)", "s\(layer)"], ["a\(layer)"])
                default: b.node(c.activation, ["c\(layer)"], ["a\(layer)"])
                }
                (input, channels) = ("a\(layer)", m)
            }
            b.output(input)
            try assertMatchesORT(b, inputs: ["x": c.x])
            XCTAssertEqual(try plannedOps(b, inputs: ["x": c.x]),
                           ["ToBlocked", "Conv(blocked)", "Conv(blocked)", "Conv(blocked)", "FromBlocked"], "case \(i)")
        }
    }

    func testBlockedInvertedResiduals() throws {
        // MobileNetV2's blocks in the blocked layout: a 1x1 expansion, a depthwise 3x3 (stride 1 with the shortcut
        // added by the projection, or stride 2 without), ReLU6, a 1x1 projection; channels of 16, 48 and 96 (a
        // partial 4-block tile), planes of 7 to 11 pixels (the depthwise's 4-pixel steps and tail), batch 2.
        let cases: [(x: [Int], expand: Int, stride: Int)] = [([2, 16, 9, 11], 48, 1), ([1, 32, 8, 7], 96, 2), ([1, 16, 10, 10], 96, 1)]
        for (i, c) in cases.enumerated() {
            var b = ModelBuilder()
            b.input("x", c.x)
            let channels = c.x[1], e = c.expand
            func scaled(_ name: String, _ shape: [Int], fanIn: Int, seed: Int) {
                let scale = 1 / Float(fanIn).squareRoot()
                b.weight(name, shape, ModelBuilder.random(count: shape.reduce(1, *), seed: UInt64(seed)).map { $0 * scale })
            }
            b.weight("lo", [], [0])
            b.weight("hi", [], [6])
            scaled("w0", [channels, channels, 1, 1], fanIn: channels, seed: 700 + i)
            b.node("Conv", ["x", "w0"], ["c0"], [B.ints("kernel_shape", [1, 1])])
            b.node("Relu", ["c0"], ["a0"])
            scaled("w1", [e, channels, 1, 1], fanIn: channels, seed: 710 + i)
            b.randomWeight("b1", [e], seed: UInt64(720 + i))
            b.node("Conv", ["a0", "w1", "b1"], ["c1"], [B.ints("kernel_shape", [1, 1])])
            b.node("Clip", ["c1", "lo", "hi"], ["a1"])
            scaled("w2", [e, 1, 3, 3], fanIn: 9, seed: 730 + i)
            b.randomWeight("b2", [e], seed: UInt64(740 + i))
            b.node("Conv", ["a1", "w2", "b2"], ["c2"], [B.ints("kernel_shape", [3, 3]), B.ints("pads", [1, 1, 1, 1]),
                                                       B.int("group", e), B.ints("strides", [c.stride, c.stride])])
            b.node("Clip", ["c2", "lo", "hi"], ["a2"])
            scaled("w3", [channels, e, 1, 1], fanIn: e, seed: 750 + i)
            b.node("Conv", ["a2", "w3"], ["c3"], [B.ints("kernel_shape", [1, 1])])
            if c.stride == 1 {
                b.node("Add", ["c3", "a0"], ["y"])
            } else {
                b.node("Relu", ["c3"], ["y"])
            }
            b.output("y")
            try assertMatchesORT(b, inputs: ["x": c.x])
            let ops = try plannedOps(b, inputs: ["x": c.x])
            XCTAssertEqual(ops, ["ToBlocked", "Conv(blocked)", "Conv(blocked)", "Conv(blocked depthwise)",
                                 c.stride == 1 ? "Conv(blocked)+Add" : "Conv(blocked)", "FromBlocked"], "case \(i)")
        }
    }

    func testBlockedStemsAndPool() throws {
        // A region that starts at the image: a ResNet's 7x7 stride-2 stem (padding 3, read from a bordered copy of
        // the planes) and its 3x3 max pool, both blocked, then a bottleneck's first two convolutions; and a
        // MobileNetV2 stem (3x3 stride 2, ReLU6) into a depthwise and a 1x1. Odd sizes, batch 2: no ToBlocked.
        for (i, resnet) in [true, false].enumerated() {
            let x = resnet ? [1, 3, 30, 34] : [2, 3, 17, 19]
            var b = ModelBuilder()
            b.input("x", x)
            b.weight("lo", [], [0])
            b.weight("hi", [], [6])
            let stem = resnet ? 64 : 32, k = resnet ? 7 : 3
            b.weight("w0", [stem, 3, k, k],
                     ModelBuilder.random(count: stem * 3 * k * k, seed: UInt64(800 + i)).map { $0 / Float(3 * k * k).squareRoot() })
            b.randomWeight("b0", [stem], seed: UInt64(810 + i))
            b.node("Conv", ["x", "w0", "b0"], ["c0"], [B.ints("kernel_shape", [k, k]), B.ints("strides", [2, 2]),
                                                      B.ints("pads", [k / 2, k / 2, k / 2, k / 2])])
            if resnet {
                b.node("Relu", ["c0"], ["a0"])
                b.node("MaxPool", ["a0"], ["p0"], [B.ints("kernel_shape", [3, 3]), B.ints("strides", [2, 2]),
                                                   B.ints("pads", [1, 1, 1, 1])])
                b.weight("w1", [64, 64, 1, 1], ModelBuilder.random(count: 64 * 64, seed: 820).map { $0 / 8 })
                b.node("Conv", ["p0", "w1"], ["c1"], [B.ints("kernel_shape", [1, 1])])
                b.node("Relu", ["c1"], ["a1"])
                b.weight("w2", [64, 64, 3, 3], ModelBuilder.random(count: 64 * 64 * 9, seed: 821).map { $0 / 24 })
                b.node("Conv", ["a1", "w2"], ["c2"], [B.ints("kernel_shape", [3, 3]), B.ints("pads", [1, 1, 1, 1])])
            } else {
                b.node("Clip", ["c0", "lo", "hi"], ["a0"])
                b.weight("w1", [32, 1, 3, 3], ModelBuilder.random(count: 32 * 9, seed: 830).map { $0 / 3 })
                b.node("Conv", ["a0", "w1"], ["c1"], [B.ints("kernel_shape", [3, 3]), B.ints("pads", [1, 1, 1, 1]),
                                                     B.int("group", 32)])
                b.node("Clip", ["c1", "lo", "hi"], ["a1"])
                b.weight("w2", [16, 32, 1, 1], ModelBuilder.random(count: 16 * 32, seed: 831).map { $0 / 6 })
                b.node("Conv", ["a1", "w2"], ["c2"], [B.ints("kernel_shape", [1, 1])])
            }
            b.output("c2")
            try assertMatchesORT(b, inputs: ["x": x])
            XCTAssertEqual(try plannedOps(b, inputs: ["x": x]),
                           resnet ? ["Conv(blocked)", "MaxPool(blocked)", "Conv(blocked)", "Conv(blocked)", "FromBlocked"]
                                  : ["Conv(blocked)", "Conv(blocked depthwise)", "Conv(blocked)", "FromBlocked"], "case \(i)")
        }
    }

    func testBlockedLayoutOnlyForChains() throws {
        // Two convolutions in a row, or three whose middle one has 24 outputs (a block and a half: padding it
        // would cost a third more work), or a grouped one between them: each stays planar.
        let cases: [(m: [Int], groups: [Int])] = [([64, 64], [1, 1]), ([64, 24, 64], [1, 1, 1]), ([64, 64, 64], [1, 2, 1])]
        for (i, c) in cases.enumerated() {
            var b = ModelBuilder()
            let x = [1, 32, 8, 8]
            b.input("x", x)
            var input = "x", channels = x[1]
            for (layer, (m, group)) in zip(c.m, c.groups).enumerated() {
                b.randomWeight("w\(layer)", [m, channels / group, 3, 3], seed: UInt64(600 + 10 * i + layer))
                b.node("Conv", [input, "w\(layer)"], ["c\(layer)"],
                       [B.ints("kernel_shape", [3, 3]), B.ints("pads", [1, 1, 1, 1]), B.int("group", group)])
                (input, channels) = ("c\(layer)", m)
            }
            b.output(input)
            let ops = try plannedOps(b, inputs: ["x": x])
            XCTAssertFalse(ops.contains { $0.contains("locked") }, "case \(i): \(ops)")
        }
    }

    func testBlockedResidualBlock() throws {
        // A ResNet bottleneck in the blocked layout: the shortcut (a strided 1x1, or the block's input itself) added
        // as the last convolution stores, then ReLU; the block's input read by two convolutions converted once; a
        // sigmoid and a planar reader (a max pool) after it, which take the tensor back to NCHW. Batch 2.
        for (i, strided) in [false, true].enumerated() {
            let x = [2, 64, 8, 10], s = strided ? 2 : 1
            var b = ModelBuilder()
            b.input("x", x)
            b.randomWeight("w1", [64, 64, 1, 1], seed: UInt64(500 + i))
            b.randomWeight("w2", [64, 64, 3, 3], seed: UInt64(510 + i))
            b.randomWeight("w3", [64, 64, 1, 1], seed: UInt64(520 + i))
            b.node("Conv", ["x", "w1"], ["c1"], [B.ints("kernel_shape", [1, 1])])
            b.node("Relu", ["c1"], ["r1"])
            b.node("Conv", ["r1", "w2"], ["c2"], [B.ints("kernel_shape", [3, 3]), B.ints("pads", [1, 1, 1, 1]),
                                                 B.ints("strides", [s, s])])
            b.node("Relu", ["c2"], ["r2"])
            b.node("Conv", ["r2", "w3"], ["c3"], [B.ints("kernel_shape", [1, 1])])
            var shortcut = "x"
            if strided {
                b.randomWeight("wd", [64, 64, 1, 1], seed: UInt64(530 + i))
                b.node("Conv", ["x", "wd"], ["d"], [B.ints("kernel_shape", [1, 1]), B.ints("strides", [2, 2])])
                shortcut = "d"
            }
            b.node("Add", ["c3", shortcut], ["sum"])
            b.node("Relu", ["sum"], ["y"])
            b.node("Sigmoid", ["y"], ["p"])
            b.node("MaxPool", ["y"], ["q"], [B.ints("kernel_shape", [2, 2]), B.ints("strides", [2, 2])])
            b.output("p")
            b.output("q")
            try assertMatchesORT(b, inputs: ["x": x], scale: 0.5)
            let ops = try plannedOps(b, inputs: ["x": x])
            XCTAssertEqual(ops.filter { $0 == "ToBlocked" }.count, 1, "case \(i): \(ops)")
            XCTAssertEqual(ops.filter { $0 == "FromBlocked" }.count, 1, "case \(i): \(ops)")
            XCTAssertEqual(ops.filter { $0.hasPrefix("Conv(blocked)") }.count, strided ? 4 : 3, "case \(i): \(ops)")
            XCTAssertEqual(ops.filter { $0 == "Conv(blocked)+Add" }.count, 1, "case \(i): \(ops)")
        }
    }

    func testResidualAddThatStaysSeparate() throws {
        // Rows narrower than 64 run as one wide product (the residual would need the wide buffer's layout), an
        // Add that broadcasts, and an Add of the convolution's output to itself: each keeps its own Add.
        let cases: [(x: [Int], r: [Int], selfAdd: Bool)] = [
            ([1, 4, 6, 6], [1, 6, 6, 6], false),
            ([1, 4, 8, 80], [1, 6, 1, 80], false),
            ([1, 4, 8, 80], [1, 6, 8, 80], true),
        ]
        for (i, c) in cases.enumerated() {
            var b = ModelBuilder()
            b.input("x", c.x)
            if !c.selfAdd { b.input("r", c.r) }
            b.randomWeight("w", [6, 4, 3, 3], seed: UInt64(160 + i))
            b.node("Conv", ["x", "w"], ["c"], [B.ints("pads", [1, 1, 1, 1]), B.ints("kernel_shape", [3, 3])])
            b.node("Add", c.selfAdd ? ["c", "c"] : ["c", "r"], ["y"])
            b.output("y")
            let inputs = c.selfAdd ? ["x": c.x] : ["x": c.x, "r": c.r]
            try assertMatchesORT(b, inputs: inputs)
            XCTAssertEqual(try plannedOps(b, inputs: inputs), ["Conv", "Add"], "case \(i)")
        }
    }

    func testDepthwiseAndMaxPoolThatStaySeparate() throws {
        // A pool the kernel cannot take (3x3, or padded), a depthwise at stride 2, and a depthwise whose
        // output is also a graph output: two kernels each, and the same results.
        let cases: [(stride: Int, pool: [Onnx_AttributeProto], alsoOutput: Bool)] = [
            (1, [B.ints("kernel_shape", [3, 3]), B.ints("strides", [2, 2])], false),
            (1, [B.ints("kernel_shape", [2, 2]), B.ints("strides", [2, 2]), B.ints("pads", [0, 0, 1, 1])], false),
            (2, [B.ints("kernel_shape", [2, 2]), B.ints("strides", [2, 2])], false),
            (1, [B.ints("kernel_shape", [2, 2]), B.ints("strides", [2, 2])], true),
        ]
        let x = [1, 4, 15, 22]
        for (i, (stride, pool, alsoOutput)) in cases.enumerated() {
            var b = ModelBuilder()
            b.input("x", x)
            b.randomWeight("w", [4, 1, 3, 3], seed: UInt64(110 + i))
            b.node("Conv", ["x", "w"], ["c"], [B.int("group", 4), B.ints("pads", [1, 1, 1, 1]),
                                              B.ints("strides", [stride, stride]), B.ints("kernel_shape", [3, 3])])
            b.node("Relu", ["c"], ["a"])
            b.node("MaxPool", ["a"], ["y"], pool)
            b.output("y")
            if alsoOutput { b.output("a") }
            try assertMatchesORT(b, inputs: ["x": x])
            XCTAssertEqual(try plannedOps(b, inputs: ["x": x]), ["Conv(depthwise)", "MaxPool"], "case \(i)")
        }
    }

    func testStemConvolutionsSplitIntoPhases() throws {
        // Stride 2 along x splits each input row into both column phases in one pass: YuNet's stem at
        // 640x480 (split band by band as its rows run), no left padding, a left padding of 2 (5x5), odd
        // widths, rows narrower than two vectors.
        let cases: [([Int], [Int], [Int])] = [
            ([1, 3, 480, 640], [16, 3, 3, 3], [1, 1, 1, 1]),
            ([1, 2, 9, 17], [5, 2, 3, 3], [0, 0, 1, 1]),
            ([1, 3, 21, 45], [6, 3, 5, 5], [2, 2, 2, 2]),
            ([2, 1, 8, 7], [3, 1, 3, 3], [1, 1, 0, 0]),
        ]
        // Rows of 64 or more split band by band as they run (one thread): a stride-2 5x5 and a stride-1
        // 3x3 (taps two phase rows ahead), a dilated 3x3 (four), batch 2.
        let banded: [([Int], [Int], [Onnx_AttributeProto])] = [
            ([1, 2, 30, 140], [4, 2, 5, 5], [B.ints("strides", [2, 2]), B.ints("pads", [2, 2, 2, 2])]),
            ([2, 4, 20, 70], [5, 4, 3, 3], [B.ints("pads", [1, 1, 1, 1])]),
            ([1, 2, 21, 80], [3, 2, 3, 3], [B.ints("dilations", [2, 2]), B.ints("pads", [2, 2, 2, 2])]),
        ]
        for (i, (x, w, attributes)) in banded.enumerated() {
            var b = ModelBuilder()
            b.input("x", x)
            b.randomWeight("w", w, seed: UInt64(150 + i))
            b.node("Conv", ["x", "w"], ["y"], attributes + [B.ints("kernel_shape", [w[2], w[3]])])
            b.output("y")
            try assertMatchesORT(b, inputs: ["x": x])
        }
        for (i, (x, w, pads)) in cases.enumerated() {
            var b = ModelBuilder()
            b.input("x", x)
            b.randomWeight("w", w, seed: UInt64(120 + i))
            b.randomWeight("b", [w[0]], seed: UInt64(130 + i))
            b.node("Conv", ["x", "w", "b"], ["c"],
                   [B.ints("strides", [2, 2]), B.ints("pads", pads), B.ints("kernel_shape", [w[2], w[3]])])
            b.node("Relu", ["c"], ["y"])
            b.output("y")
            try assertMatchesORT(b, inputs: ["x": x])
        }
    }

    func testStemFusedWithPointwise() throws {
        // A padded or strided convolution that runs band by band and the 1x1 that alone reads it, as one
        // kernel (the 1x1 runs on each band of rows in cache): YuNet's stem and 1x1 at 640x480 and 320x256
        // (a last band shorter than the others), odd sizes, batch 2, more 1x1 outputs than inputs and a
        // sigmoid, a stride-1 3x3 with a LeakyRelu, an output a row and a band high.
        let cases: [(x: [Int], stem: [Int], stride: Int, outputs: Int, activation: String)] = [
            ([1, 3, 480, 640], [16, 3, 3, 3], 2, 16, ""),
            ([1, 3, 256, 320], [16, 3, 3, 3], 2, 16, "Relu"),
            ([1, 3, 37, 141], [8, 3, 3, 3], 2, 12, "LeakyRelu"),
            ([2, 3, 50, 130], [16, 3, 3, 3], 2, 40, "Sigmoid"),
            ([1, 4, 23, 67], [6, 4, 3, 3], 1, 5, "LeakyRelu"),
            ([1, 2, 2, 150], [5, 2, 3, 3], 2, 7, "Relu"),
        ]
        for (i, c) in cases.enumerated() {
            var b = ModelBuilder()
            b.input("x", c.x)
            b.randomWeight("w", c.stem, seed: UInt64(160 + i))
            b.randomWeight("b", [c.stem[0]], seed: UInt64(170 + i))
            b.node("Conv", ["x", "w", "b"], ["c"], [B.ints("strides", [c.stride, c.stride]), B.ints("pads", [1, 1, 1, 1]),
                                                   B.ints("kernel_shape", [3, 3])])
            b.node("Relu", ["c"], ["r"])
            b.randomWeight("p", [c.outputs, c.stem[0], 1, 1], seed: UInt64(180 + i))
            b.randomWeight("q", [c.outputs], seed: UInt64(190 + i))
            b.node("Conv", ["r", "p", "q"], [c.activation.isEmpty ? "y" : "d"], [B.ints("kernel_shape", [1, 1])])
            if !c.activation.isEmpty {
                b.node(c.activation, ["d"], ["y"], c.activation == "LeakyRelu" ? [B.float("alpha", 0.1)] : [])
            }
            b.output("y")
            try assertMatchesORT(b, inputs: ["x": c.x])
            XCTAssertEqual(try plannedOps(b, inputs: ["x": c.x]), ["Conv+Conv(1x1)"], "case \(i)")
        }
    }

    func testStemAndPointwiseThatStaySeparate() throws {
        // The stem's output also a graph output, a 1x1 at stride 2, a stem too narrow to run band by band
        // (its rows run as one wide product): two kernels, the same results.
        let x = [1, 3, 40, 140]
        for i in 0..<2 {
            var b = ModelBuilder()
            b.input("x", x)
            b.randomWeight("w", [8, 3, 3, 3], seed: UInt64(200 + i))
            b.node("Conv", ["x", "w"], ["c"], [B.ints("strides", [2, 2]), B.ints("pads", [1, 1, 1, 1]),
                                              B.ints("kernel_shape", [3, 3])])
            b.randomWeight("p", [8, 8, 1, 1], seed: UInt64(210 + i))
            b.node("Conv", ["c", "p"], ["y"], [B.ints("kernel_shape", [1, 1])] + (i == 1 ? [B.ints("strides", [2, 2])] : []))
            b.output("y")
            if i == 0 { b.output("c") }
            try assertMatchesORT(b, inputs: ["x": x])
            // A strided 1x1 runs as a direct convolution.
            XCTAssertEqual(try plannedOps(b, inputs: ["x": x]), ["Conv", i == 1 ? "Conv" : "Conv(1x1)"], "case \(i)")
        }
        var narrow = ModelBuilder()
        narrow.input("x", [1, 3, 40, 60])
        narrow.randomWeight("w", [8, 3, 3, 3], seed: 220)
        narrow.node("Conv", ["x", "w"], ["c"], [B.ints("strides", [2, 2]), B.ints("pads", [1, 1, 1, 1]),
                                               B.ints("kernel_shape", [3, 3])])
        narrow.randomWeight("p", [8, 8, 1, 1], seed: 221)
        narrow.node("Conv", ["c", "p"], ["y"], [B.ints("kernel_shape", [1, 1])])
        narrow.output("y")
        try assertMatchesORT(narrow, inputs: ["x": [1, 3, 40, 60]])
        XCTAssertEqual(try plannedOps(narrow, inputs: ["x": [1, 3, 40, 60]]), ["Conv", "Conv(1x1)"])
    }

    func testSigmoidOverWholeColumnTiles() throws {
        // A 1x1 over a plane of whole 8 x 48 tiles and a partial block of output channels, a sigmoid
        // fused: applied once the tile's accumulators are stored.
        var b = ModelBuilder()
        b.input("x", [1, 8, 24, 40])
        b.randomWeight("w", [12, 8, 1, 1], seed: 140)
        b.randomWeight("b", [12], seed: 141)
        b.node("Conv", ["x", "w", "b"], ["c"], [B.ints("kernel_shape", [1, 1])])
        b.node("Sigmoid", ["c"], ["y"])
        b.output("y")
        try assertMatchesORT(b, inputs: ["x": [1, 8, 24, 40]], scale: 2)
    }

    func testPooling() throws {
        let cases: [(String, [Onnx_AttributeProto])] = [
            ("MaxPool", [B.ints("kernel_shape", [2, 2]), B.ints("strides", [2, 2])]),
            ("MaxPool", [B.ints("kernel_shape", [3, 3]), B.ints("strides", [2, 2]), B.int("ceil_mode", 1)]),
            ("MaxPool", [B.ints("kernel_shape", [3, 3]), B.ints("strides", [2, 2]), B.ints("pads", [0, 0, 1, 1])]),
            ("MaxPool", [B.ints("kernel_shape", [3, 3]), B.ints("strides", [2, 2]), B.string("auto_pad", "SAME_UPPER")]),
            ("MaxPool", [B.ints("kernel_shape", [3, 3]), B.ints("strides", [2, 2]), B.ints("pads", [1, 1, 1, 1])]),
            ("MaxPool", [B.ints("kernel_shape", [3, 3]), B.ints("pads", [1, 1, 1, 1])]),
            ("MaxPool", [B.ints("kernel_shape", [2, 3]), B.ints("strides", [3, 3]), B.ints("pads", [1, 2, 0, 1])]),
            ("MaxPool", [B.ints("kernel_shape", [3, 3]), B.ints("strides", [2, 2]), B.ints("dilations", [2, 2])]),
            ("AveragePool", [B.ints("kernel_shape", [3, 3]), B.ints("strides", [2, 2]), B.ints("pads", [1, 1, 1, 1])]),
            ("AveragePool", [B.ints("kernel_shape", [3, 3]), B.ints("pads", [1, 1, 1, 1]), B.int("count_include_pad", 1)]),
        ]
        for (op, attributes) in cases {
            for shape in [[1, 3, 13, 15], [2, 3, 20, 37], [1, 16, 60, 60]] {
                var b = ModelBuilder()
                b.input("x", shape)
                b.node(op, ["x"], ["y"], attributes)
                b.output("y")
                try assertMatchesORT(b, inputs: ["x": shape])
            }
        }
        var g = ModelBuilder()
        g.input("x", [2, 5, 7, 9])
        g.node("GlobalAveragePool", ["x"], ["a"])
        g.node("GlobalMaxPool", ["x"], ["m"])
        g.output("a"); g.output("m")
        try assertMatchesORT(g, inputs: ["x": [2, 5, 7, 9]])
    }

    func testElementwiseBroadcasting() throws {
        for op in ["Add", "Sub", "Mul", "Div"] {
            var b = ModelBuilder()
            b.input("x", [2, 3, 4, 5])
            b.input("z", [3, 1, 5])
            b.weight("c", [1, 3, 1, 1], [0.5, 2, -1.5])
            b.node(op, ["x", "z"], ["t"])
            b.node(op, ["t", "c"], ["y"])
            b.output("y")
            try assertMatchesORT(b, inputs: ["x": [2, 3, 4, 5], "z": [3, 1, 5]])
        }
        var u = ModelBuilder()
        u.input("x", [1, 4, 6, 6])
        u.node("Sigmoid", ["x"], ["s"]); u.node("Tanh", ["x"], ["t"]); u.node("Exp", ["x"], ["e"])
        u.node("Add", ["s", "t"], ["st"]); u.node("Relu", ["st"], ["r"])
        u.output("r"); u.output("e")
        try assertMatchesORT(u, inputs: ["x": [1, 4, 6, 6]], scale: 3)
    }

    func testLayoutOperators() throws {
        var b = ModelBuilder()
        b.input("x", [1, 6, 4, 5])
        b.node("Transpose", ["x"], ["t"], [B.ints("perm", [0, 2, 3, 1])])
        b.intWeight("shape", [1, -1, 3])
        b.node("Reshape", ["t", "shape"], ["r"])
        b.node("Transpose", ["x"], ["p"], [B.ints("perm", [3, 1, 0, 2])])
        b.intWeight("starts", [1, 0]); b.intWeight("ends", [5, 100]); b.intWeight("axes", [1, 3]); b.intWeight("steps", [2, 2])
        b.node("Slice", ["x", "starts", "ends", "axes", "steps"], ["s"])
        b.node("Concat", ["x", "x"], ["c"], [B.int("axis", 1)])
        b.node("Flatten", ["c"], ["f"], [B.int("axis", 2)])
        b.output("r"); b.output("p"); b.output("s"); b.output("f")
        try assertMatchesORT(b, inputs: ["x": [1, 6, 4, 5]])
    }

    func testResizeNearest() throws {
        for (mode, rounding) in [("asymmetric", "floor"), ("half_pixel", "round_prefer_floor"), ("align_corners", "round_prefer_ceil")] {
            var b = ModelBuilder()
            b.input("x", [1, 2, 5, 7])
            b.weight("roi", [0], [])
            b.weight("scales", [4], [1, 1, 2, 1.5])
            b.node("Resize", ["x", "roi", "scales"], ["y"], [
                B.string("mode", "nearest"), B.string("coordinate_transformation_mode", mode),
                B.string("nearest_mode", rounding),
            ])
            b.output("y")
            try assertMatchesORT(b, inputs: ["x": [1, 2, 5, 7]])
        }
        // Exactly 2x both ways (a feature pyramid's upsampling; the C kernel): rows of a vector and a tail,
        // rows shorter than a vector, in the two modes that map output i to input i / 2.
        for (i, (shape, mode)) in [([1, 3, 5, 21], "asymmetric"), ([2, 2, 3, 3], "half_pixel")].enumerated() {
            var b = ModelBuilder()
            b.input("x", shape)
            b.weight("roi", [0], [])
            b.weight("scales", [4], [1, 1, 2, 2])
            b.node("Resize", ["x", "roi", "scales"], ["y"], [
                B.string("mode", "nearest"), B.string("coordinate_transformation_mode", mode),
                B.string("nearest_mode", i == 0 ? "floor" : "round_prefer_floor"),
            ])
            b.output("y")
            try assertMatchesORT(b, inputs: ["x": shape])
        }
        // The Add after it, either way round, fused (the upsampled tensor never stored); an Add whose other
        // operand broadcasts stays separate.
        for (i, (addendShape, swapped)) in [([1, 3, 10, 42], false), ([1, 3, 10, 42], true), ([1, 1, 10, 42], false)]
            .enumerated() {
            var b = ModelBuilder()
            b.input("x", [1, 3, 5, 21])
            b.input("r", addendShape)
            b.weight("roi", [0], [])
            b.weight("scales", [4], [1, 1, 2, 2])
            b.node("Resize", ["x", "roi", "scales"], ["u"], [
                B.string("mode", "nearest"), B.string("coordinate_transformation_mode", "asymmetric"),
                B.string("nearest_mode", "floor"),
            ])
            b.node("Add", swapped ? ["r", "u"] : ["u", "r"], ["y"])
            b.output("y")
            let inputs = ["x": [1, 3, 5, 21], "r": addendShape]
            try assertMatchesORT(b, inputs: inputs)
            XCTAssertEqual(try plannedOps(b, inputs: inputs), i < 2 ? ["Resize+Add"] : ["Resize", "Add"], "case \(i)")
        }
    }

    func testSigmoidFarOutAndOverTails() throws {
        // The vectorised sigmoid: arguments up to ±90 (past the clamp of its exponential), a run that is not a
        // whole number of vectors, on its own and fused after a convolution.
        var b = ModelBuilder()
        b.input("x", [1, 3, 7, 9])
        b.node("Sigmoid", ["x"], ["s"])
        b.randomWeight("w", [5, 3, 1, 1], seed: 7)
        b.node("Conv", ["x", "w"], ["c"], [B.ints("kernel_shape", [1, 1])])
        b.node("Sigmoid", ["c"], ["t"])
        b.output("s"); b.output("t")
        try assertMatchesORT(b, inputs: ["x": [1, 3, 7, 9]], scale: 90)
    }

    func testSoftmaxGemmMatMul() throws {
        var b = ModelBuilder()
        b.input("x", [3, 10])
        b.randomWeight("w", [7, 10], seed: 3)
        b.randomWeight("c", [7], seed: 4)
        b.node("Gemm", ["x", "w", "c"], ["g"], [B.int("transB", 1), B.float("alpha", 0.5)])
        b.node("Softmax", ["g"], ["s"], [B.int("axis", -1)])
        b.randomWeight("m", [10, 4], seed: 5)
        b.node("MatMul", ["x", "m"], ["mm"])
        b.randomWeight("slope", [4], seed: 6)
        b.node("PRelu", ["mm", "slope"], ["pr"])
        b.output("s"); b.output("pr")
        try assertMatchesORT(b, inputs: ["x": [3, 10]], scale: 4)

        // One row (a classifier's last layer, run as a matrix-vector product): B transposed or not, with
        // and without bias, with alpha.
        for transB in [0, 1] {
            for withBias in [false, true] {
                var g = ModelBuilder()
                g.input("x", [1, 37])
                g.randomWeight("w", transB == 1 ? [19, 37] : [37, 19], seed: 7)
                g.randomWeight("c", [19], seed: 8)
                g.node("Gemm", withBias ? ["x", "w", "c"] : ["x", "w"], ["y"], [B.int("transB", transB), B.float("alpha", 0.75)])
                g.output("y")
                try assertMatchesORT(g, inputs: ["x": [1, 37]], scale: 2)
            }
        }
        var vector = ModelBuilder()
        vector.input("x", [1, 10])
        vector.randomWeight("m", [10, 6], seed: 9)
        vector.node("MatMul", ["x", "m"], ["y"])
        vector.output("y")
        try assertMatchesORT(vector, inputs: ["x": [1, 10]])

        var legacy = ModelBuilder(opset: 11)
        legacy.input("x", [2, 3, 4])
        legacy.node("Softmax", ["x"], ["y"], [B.int("axis", 1)])
        legacy.output("y")
        try assertMatchesORT(legacy, inputs: ["x": [2, 3, 4]], scale: 5)
    }

    func testShapeArithmeticIsFoldedForTheGivenInputSize() throws {
        // The pattern of YuNet's dynamic heads: Shape → Gather → Unsqueeze → Concat → Reshape.
        var b = ModelBuilder(opset: 11)
        b.input("x", [-1, 4, -1, -1])
        b.node("Shape", ["x"], ["shape"])
        b.intWeight("zero", [0])
        b.node("Gather", ["shape", "zero"], ["n"], [B.int("axis", 0)])
        b.intWeight("minus1", [-1]); b.intWeight("two", [2])
        b.node("Concat", ["n", "minus1", "two"], ["target"], [B.int("axis", 0)])
        b.node("Reshape", ["x", "target"], ["y"])
        b.output("y")
        try assertMatchesORT(b, inputs: ["x": [2, 4, 6, 8]])
        let dir = try TestPaths.temporaryDirectory()
        let url = dir.appendingPathComponent("m.onnx")
        try b.write(to: url)
        let session = try InferenceSession(model: ONNXModel(contentsOf: url.path), inputShapes: ["x": [2, 4, 6, 8]])
        XCTAssertEqual(session.outputs.first?.shape, [2, 96, 2])
    }
}


