import FaceAnalysis
import Foundation
import Imaging
import Synchronization

/// `POST /api/v1/analyze`: the faces and emotions of one posted JPEG or PNG, as `fer-live image --json` gives
/// them. The image is analysed in memory and forgotten; nothing is stored.
public final class ImageAnalysisService: Sendable {
    /// Bodies above this are refused with 413.
    public let maximumBytes: Int
    private let analyzer: Mutex<FaceAnalyzer?>
    private let makeAnalyzer: @Sendable () throws -> FaceAnalyzer

    /// `makeAnalyzer` runs at the first request (the endpoint's own detector and classifier, beside the pipeline's).
    public init(maximumBytes: Int = 10 << 20, makeAnalyzer: @escaping @Sendable () throws -> FaceAnalyzer) {
        self.maximumBytes = maximumBytes
        self.makeAnalyzer = makeAnalyzer
        analyzer = Mutex(nil)
    }

    /// The HTTP status and JSON body for `bytes` (one request at a time; the models are not shared between threads).
    public func analyze(_ bytes: [UInt8]) -> (status: Int, json: String) {
        if bytes.isEmpty { return (400, Self.error("empty body: POST a JPEG or PNG image")) }
        if bytes.count > maximumBytes { return (413, Self.error("image is \(bytes.count) bytes; the limit is \(maximumBytes)")) }
        let known = bytes.withUnsafeBytes { ImageCodec.fileType(of: $0) }
        guard known != nil else { return (415, Self.error("not a JPEG or PNG image")) }
        let image: Image
        do {
            image = try ImageCodec.decode(data: bytes, as: .rgb8, name: "request body")
        } catch {
            return (422, Self.error("cannot decode the image: \(error)"))
        }
        do {
            let report = try analyzer.withLock { analyzer -> ImageReport in
                if analyzer == nil { analyzer = try makeAnalyzer() }
                return ImageReport(file: "request body", analysis: try analyzer!.analyze(image))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return (200, String(decoding: try encoder.encode(report), as: UTF8.self))
        } catch {
            return (500, Self.error("analysis failed: \(error)"))
        }
    }

    static func error(_ message: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: ["error": message])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
