import Foundation
import Imaging
import Tracking

/// Hand-checked face boxes for a folder of photos (`Tests/Benchmarks/photo_faces.json`): what a detector
/// should find, and regions where a detection counts neither way.
///
/// ```json
/// {"source": "...", "rule": "...",
///  "photos": {"group_1.jpg": {"width": 1024, "height": 683, "faces": [[x, y, w, h], ...], "ignore": [[x, y, w, h]]}}}
/// ```
/// Boxes are in the photo's own pixels, `x, y` its top-left corner.
public struct PhotoFaceTruth: Decodable, Sendable {
    /// One photo's faces.
    public struct Photo: Sendable, Equatable {
        public var width: Int
        public var height: Int
        public var faces: [Rect]
        /// Faces too small, blurred or ambiguous to count, and drawn faces: detections here are neither hits nor false.
        public var ignore: [Rect]

        public init(width: Int, height: Int, faces: [Rect], ignore: [Rect] = []) {
            self.width = width
            self.height = height
            self.faces = faces
            self.ignore = ignore
        }
    }

    /// How the boxes were made.
    public var source: String
    /// What counts as a face and what is ignored.
    public var rule: String
    /// Photo file name → its faces.
    public var photos: [String: Photo]

    enum CodingKeys: String, CodingKey { case source, rule, photos }
    private struct RawPhoto: Decodable {
        var width: Int
        var height: Int
        var faces: [[Float]]
        var ignore: [[Float]]?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(String.self, forKey: .source)
        rule = try container.decode(String.self, forKey: .rule)
        var photos: [String: Photo] = [:]
        for (name, raw) in try container.decode([String: RawPhoto].self, forKey: .photos) {
            func rects(_ boxes: [[Float]], _ what: String) throws -> [Rect] {
                try boxes.enumerated().map { index, b in
                    guard b.count == 4, b.allSatisfy(\.isFinite), b[2] > 0, b[3] > 0 else {
                        throw DecodingError.dataCorrupted(.init(
                            codingPath: container.codingPath,
                            debugDescription: "photos.\(name).\(what)[\(index)]: need [x, y, w, h] with w, h > 0, got \(b)"))
                    }
                    return Rect(x: b[0], y: b[1], width: b[2], height: b[3])
                }
            }
            photos[name] = Photo(width: raw.width, height: raw.height, faces: try rects(raw.faces, "faces"),
                                 ignore: try rects(raw.ignore ?? [], "ignore"))
        }
        self.photos = photos
    }

    /// Reads `path`; errors are one line naming the file.
    public static func load(_ path: String) throws -> PhotoFaceTruth {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw PhotoFaceTruthError.unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        do { return try JSONDecoder().decode(PhotoFaceTruth.self, from: data) } catch let error as DecodingError {
            throw PhotoFaceTruthError.invalid(file: path, reason: Self.describe(error))
        } catch {
            throw PhotoFaceTruthError.invalid(file: path, reason: "\(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let c):
            let underlying = (c.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying.map { "\(c.debugDescription) (\($0))" } ?? c.debugDescription
        case .keyNotFound(let key, let c):
            return "missing field \((c.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            return "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// A detector's result on one photo against its truth: faces found, faces missed, false faces.
public struct PhotoDetectionScore: Sendable, Equatable {
    /// Faces in the truth.
    public var faces = 0
    /// Truth faces matched one-to-one by a detection.
    public var found = 0
    /// Truth faces at least `largeFaceHeight` tall, and how many of them were found.
    public var largeFaces = 0
    public var largeFound = 0
    /// Detections that match no face and lie in no ignore region (a second box on a found face counts here too).
    public var falseFaces = 0
    /// Detections inside an ignore region.
    public var ignored = 0

    public init() {}

    /// The smallest face height, in photo pixels, counted in `largeFaces`.
    public static let largeFaceHeight: Float = 32
    /// IoU a detection needs with a truth face to find it (hand boxes and detector boxes frame a face differently).
    public static let matchIoU: Float = 0.4

    /// Scores `detections` (photo pixels) against `truth`: one-to-one matching by IoU, best pairs first (the
    /// tracker's `BoxAssociation`); an unmatched detection whose area lies at least half inside an ignore region
    /// is ignored.
    public init(detections: [Rect], truth: PhotoFaceTruth.Photo) {
        faces = truth.faces.count
        largeFaces = truth.faces.filter { $0.height >= Self.largeFaceHeight }.count
        let pairs = BoxAssociation.match(detections, truth.faces, minIoU: Self.matchIoU)
        found = pairs.count
        largeFound = pairs.filter { truth.faces[$0.column].height >= Self.largeFaceHeight }.count
        let matched = Set(pairs.map(\.row))
        for (d, box) in detections.enumerated() where !matched.contains(d) {
            let area = box.width * box.height
            let inIgnore = truth.ignore.contains { region in
                let overlap = box.intersection(region)
                return area > 0 && overlap.width * overlap.height >= 0.5 * area
            }
            if inIgnore { ignored += 1 } else { falseFaces += 1 }
        }
    }

    /// The sum of two scores.
    public static func + (a: Self, b: Self) -> Self {
        var s = a
        s.faces += b.faces
        s.found += b.found
        s.largeFaces += b.largeFaces
        s.largeFound += b.largeFound
        s.falseFaces += b.falseFaces
        s.ignored += b.ignored
        return s
    }
}
