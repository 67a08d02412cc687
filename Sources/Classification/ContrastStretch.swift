import Imaging

/// A per-crop contrast stretch applied before the network (manifest `input.contrast`): the crop's
/// `low_percentile` grey level goes to 0 and its `high_percentile` to 255.
///
/// In a manifest: `"contrast": {"method": "stretch", "low_percentile": 1, "high_percentile": 99,
/// "minimum_range": 8}`. It undoes most of what a dim room or a washed-out webcam does to a face; a model
/// should carry it only if it was measured not to cost accuracy on clean faces (Models/README.md).
public struct ContrastStretch: Codable, Sendable, Equatable {
    /// The only method: a linear stretch between two percentiles.
    public enum Method: String, Codable, Sendable, CaseIterable {
        case stretch

        public init(from decoder: any Decoder) throws {
            self = try decodeManifestEnum(from: decoder, what: "contrast method")
        }
    }

    public var method: Method
    /// The percentile mapped to 0 (0...100).
    public var lowPercentile: Float
    /// The percentile mapped to 255 (0...100, above `lowPercentile`).
    public var highPercentile: Float
    /// The smallest grey-level span stretched to full range, so a flat crop's noise is not blown up.
    public var minimumRange: Float

    public init(lowPercentile: Float = 1, highPercentile: Float = 99, minimumRange: Float = 8) {
        method = .stretch
        self.lowPercentile = lowPercentile
        self.highPercentile = highPercentile
        self.minimumRange = minimumRange
    }

    enum CodingKeys: String, CodingKey {
        case method
        case lowPercentile = "low_percentile"
        case highPercentile = "high_percentile"
        case minimumRange = "minimum_range"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        method = try container.decode(Method.self, forKey: .method)
        lowPercentile = try container.decode(Float.self, forKey: .lowPercentile)
        highPercentile = try container.decode(Float.self, forKey: .highPercentile)
        minimumRange = try container.decodeIfPresent(Float.self, forKey: .minimumRange) ?? 8
    }

    /// Why these values cannot be used, or nil.
    var problem: String? {
        guard lowPercentile.isFinite, highPercentile.isFinite, lowPercentile >= 0, highPercentile <= 100,
              lowPercentile < highPercentile else {
            return "percentiles must satisfy 0 <= low_percentile < high_percentile <= 100, got \(lowPercentile) and \(highPercentile)"
        }
        guard minimumRange.isFinite, (1...255).contains(minimumRange) else {
            return "minimum_range \(minimumRange) is outside 1...255"
        }
        return nil
    }

    /// `crop` stretched.
    public func apply(to crop: Image) -> Image {
        crop.contrastStretched(lowPercentile: lowPercentile, highPercentile: highPercentile, minimumRange: minimumRange)
    }
}
