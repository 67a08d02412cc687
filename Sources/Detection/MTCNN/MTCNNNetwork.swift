import Foundation
import Inference

/// One of MTCNN's three networks, loaded and checked, with its sessions prepared per input shape.
final class MTCNNNetwork {
    /// Which stage the network serves; fixes its input size and outputs.
    enum Stage: String {
        case proposal = "P-Net", refine = "R-Net", output = "O-Net"

        /// The square input side of R-Net (24) and O-Net (48); P-Net takes any size.
        var inputSide: Int? {
            switch self {
            case .proposal: return nil
            case .refine: return 24
            case .output: return 48
            }
        }

        /// Output names and their widths per face (P-Net's are per grid cell).
        var outputs: [(name: String, width: Int)] {
            switch self {
            case .proposal, .refine: return [("reg", 4), ("prob", 2)]
            case .output: return [("reg", 4), ("landmarks", 10), ("prob", 2)]
            }
        }
    }

    let stage: Stage
    let model: ONNXModel
    /// Batch sizes R-Net and O-Net run at; a set of crops is split greedily into these.
    static let batchSizes = [32, 8, 1]
    private var sessions: [[Int]: InferenceSession] = [:]
    /// Bytes the kept sessions hold; past `sessionBudget` they are all dropped before a new one is made
    /// (a camera keeps its dozen pyramid sizes; a folder of large photos must not pile up arenas).
    private var sessionBytes = 0
    static let sessionBudget = 256 << 20

    /// Loads `url` and prepares one small session, so a damaged file fails here, naming itself.
    init(url: URL, stage: Stage) throws {
        self.stage = stage
        model = try ONNXModel(contentsOf: url.path)
        let name = model.displayName
        guard model.inputs.count == 1, let input = model.inputs.first, input.dims.count == 4, input.dims[1] == 3 else {
            throw InferenceError.invalidModel(model: name, reason: "not an MTCNN \(stage.rawValue): the input must be [N,3,H,W]")
        }
        if let side = stage.inputSide, input.dims[2] != side || input.dims[3] != side {
            throw InferenceError.invalidModel(
                model: name, reason: "not an MTCNN \(stage.rawValue): the input must be \(side)x\(side), not \(input)")
        }
        let names = Set(model.outputs.map(\.name))
        for output in stage.outputs where !names.contains(output.name) {
            throw InferenceError.invalidModel(
                model: name, reason: "not an MTCNN \(stage.rawValue): no output '\(output.name)'")
        }
        let side = stage.inputSide ?? 12
        let probe = try session(batch: 1, height: side, width: side)
        for output in stage.outputs {
            let binding = probe.outputs.first { $0.name == output.name }!
            guard binding.shape.count >= 2, binding.shape[1] == output.width else {
                throw InferenceError.invalidModel(
                    model: name,
                    reason: "not an MTCNN \(stage.rawValue): output '\(output.name)' is \(binding.shape), expected \(output.width) per face")
            }
        }
    }

    /// The session for a batch of `batch` inputs of `height`×`width` (kept: a camera reuses a few shapes).
    func session(batch: Int, height: Int, width: Int) throws -> InferenceSession {
        let key = [batch, height, width]
        if let session = sessions[key] { return session }
        // Kernels by rule, not timed: R-Net's and O-Net's batch follows the number of candidates, so a new shape
        // comes up on most frames, and timing each would cost more than it saves.
        let session = try InferenceSession(model: model, inputShapes: [model.inputs[0].name: [batch, 3, height, width]],
                                           options: InferenceOptions(productOrientation: .ruled))
        if sessions.count >= 48 || sessionBytes + session.workspaceBytes > Self.sessionBudget {
            sessions.removeAll()
            sessionBytes = 0
        }
        sessions[key] = session
        sessionBytes += session.workspaceBytes
        return session
    }

    /// Runs R-Net or O-Net over `count` crops in batches: `fill(index, destination)` writes crop `index`
    /// (3 planes of side²), `read(index, outputs)` receives that crop's rows of every output, in `stage.outputs` order.
    func runBatched(count: Int, fill: (Int, UnsafeMutablePointer<Float>) -> Void,
                    read: (Int, [UnsafeBufferPointer<Float>]) -> Void) throws {
        guard let side = stage.inputSide else { return }
        let inputSize = 3 * side * side
        var start = 0
        while start < count {
            let batch = Self.batchSizes.first { $0 <= count - start } ?? 1
            let session = try self.session(batch: batch, height: side, width: side)
            let input = session.firstInput.baseAddress!
            for k in 0..<batch { fill(start + k, input + k * inputSize) }
            session.run()
            let outputs = try stage.outputs.map { try session.outputBuffer($0.name) }
            for k in 0..<batch {
                read(start + k, zip(outputs, stage.outputs).map { buffer, output in
                    UnsafeBufferPointer(rebasing: buffer[(k * output.width)..<((k + 1) * output.width)])
                })
            }
            start += batch
        }
    }
}
