import Foundation

/// Where the three MTCNN networks are: `mtcnn_pnet.onnx`, `mtcnn_rnet.onnx`, `mtcnn_onet.onnx`.
public struct MTCNNModelFiles: Sendable, Equatable {
    public var pnet: URL
    public var rnet: URL
    public var onet: URL

    public init(pnet: URL, rnet: URL, onet: URL) {
        self.pnet = pnet
        self.rnet = rnet
        self.onet = onet
    }

    /// The three files in `directory` (the models folder's `detection/`), under their shipped names.
    public init(directory: URL) {
        self.init(pnet: directory.appendingPathComponent("mtcnn_pnet.onnx"),
                  rnet: directory.appendingPathComponent("mtcnn_rnet.onnx"),
                  onet: directory.appendingPathComponent("mtcnn_onet.onnx"))
    }
}
