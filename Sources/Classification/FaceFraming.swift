import Imaging

/// How the faces a classifier was trained on are framed: where the five facial landmarks sit in its
/// input, in unit coordinates (0,0 = top-left corner of the input, 1,1 = bottom-right).
///
/// A face is cropped by the similarity transform (rotation, uniform scale, shift) that carries its
/// landmarks onto this template, so a face from a camera reaches the network framed as its training
/// images were. The shipped template was measured by `fer-live bench framing` on FER2013 train faces.
///
/// In a manifest: `"framing": {"template": [[0.32, 0.42], [0.68, 0.42], [0.5, 0.6], [0.35, 0.78], [0.65, 0.78]],
/// "source": "..."}` (left eye, right eye, nose, mouth left, mouth right, as seen in the image).
public struct FaceFraming: Codable, Sendable, Equatable {
    /// Left eye, right eye, nose tip, mouth left, mouth right, in unit input coordinates.
    public var template: [Point]
    /// How the template was obtained.
    public var source: String?

    public init(template: [Point], source: String? = nil) {
        self.template = template
        self.source = source
    }

    enum CodingKeys: String, CodingKey { case template, source }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let pairs = try container.decode([[Float]].self, forKey: .template)
        guard pairs.count == 5, pairs.allSatisfy({ $0.count == 2 }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .template, in: container,
                debugDescription: "must be five [x, y] pairs (left eye, right eye, nose, mouth left, mouth right)")
        }
        template = pairs.map { Point(x: $0[0], y: $0[1]) }
        source = try container.decodeIfPresent(String.self, forKey: .source)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(template.map { [$0.x, $0.y] }, forKey: .template)
        try container.encodeIfPresent(source, forKey: .source)
    }

    /// Why the template cannot frame a face, or nil when it can: five finite points in -1...2 with the eyes
    /// apart (the crop's scale comes from their spread).
    public var problem: String? {
        guard template.count == 5 else { return "must have five points, has \(template.count)" }
        if let bad = template.first(where: { !$0.isFinite || !(-1...2).contains($0.x) || !(-1...2).contains($0.y) }) {
            return "point \(bad) is not a finite number in -1...2"
        }
        if template[0].distance(to: template[1]) < 0.05 { return "the eyes are less than 0.05 apart" }
        return nil
    }

    /// The map from the pixels of a `width` × `height` crop to the image, placing `landmarks` (five points in
    /// image pixels, in the template's order) on the template; nil when the landmarks do not define one.
    public func cropMapping(landmarks: [Point], width: Int, height: Int) -> AffineMap? {
        let target = template.map { Point(x: $0.x * Float(width), y: $0.y * Float(height)) }
        guard let map = AffineMap.similarity(from: target, to: landmarks), map.scaleFactor > 1e-3 else { return nil }
        return map
    }
}
