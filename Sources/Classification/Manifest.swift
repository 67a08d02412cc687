import Foundation

/// The JSON manifest beside an ONNX classifier (same basename, `.json`): how to feed the model,
/// how to read its output, and what its classes are called.
///
/// ```json
/// {"name": "mini_xception", "task": "emotion",
///  "input": {"name": "input", "width": 64, "height": 64, "color": "gray", "layout": "NCHW",
///            "scale": 255.0, "mean": [0.5], "std": [0.5]},
///  "output": {"name": "probabilities", "kind": "probabilities"},
///  "labels": ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"],
///  "face_margin": 0.1, "framing": {"template": [[x, y], ...]}, "source": "...", "license": "..."}
/// ```
/// A pixel value `v` (0...255) becomes `(v / scale - mean[c]) / std[c]` for channel `c`, after the optional
/// per-crop `input.contrast` stretch (``ContrastStretch``).
public struct ClassifierManifest: Codable, Sendable, Equatable {
    /// The face margin used when the manifest does not give one.
    public static let defaultFaceMargin: Float = 0.1
    /// The largest accepted input width or height.
    public static let maximumInputSide = 1024

    /// The channel order the model expects.
    public enum ColorOrder: String, Codable, Sendable, CaseIterable {
        case gray, rgb, bgr

        /// 1 for gray, 3 for rgb and bgr.
        public var channels: Int { self == .gray ? 1 : 3 }

        public init(from decoder: any Decoder) throws {
            self = try decodeManifestEnum(from: decoder, what: "colour")
        }
    }

    /// The memory layout of the input tensor; only NCHW is supported.
    public enum Layout: String, Codable, Sendable, CaseIterable {
        case nchw = "NCHW"

        public init(from decoder: any Decoder) throws {
            self = try decodeManifestEnum(from: decoder, what: "layout")
        }
    }

    /// What the output tensor holds.
    public enum OutputKind: String, Codable, Sendable, CaseIterable {
        case probabilities, logits

        public init(from decoder: any Decoder) throws {
            self = try decodeManifestEnum(from: decoder, what: "output kind")
        }

        /// The output as probabilities: softmax of logits, probabilities unchanged.
        public func probabilities(from output: [Float]) -> [Float] {
            self == .logits ? Softmax.probabilities(fromLogits: output) : output
        }

        /// The output as probabilities calibrated by `temperature`: softmax(logits / T), or for probabilities
        /// p_i^(1/T) renormalised (the same thing, since log p = logits + a constant). T = 1 changes nothing.
        public func probabilities(from output: [Float], temperature: Float) -> [Float] {
            guard temperature != 1 else { return probabilities(from: output) }
            let logits = self == .logits ? output : output.map { log(max($0, 1e-12)) }
            return Softmax.probabilities(fromLogits: logits.map { $0 / temperature })
        }
    }

    /// The model's input tensor and its preprocessing.
    public struct Input: Codable, Sendable, Equatable {
        public var name: String
        public var width: Int
        public var height: Int
        public var color: ColorOrder
        public var layout: Layout
        public var scale: Float
        public var mean: [Float]
        public var std: [Float]
        /// A per-crop contrast stretch before scaling; nil = none.
        public var contrast: ContrastStretch?

        public init(name: String, width: Int, height: Int, color: ColorOrder, layout: Layout = .nchw,
                    scale: Float, mean: [Float], std: [Float], contrast: ContrastStretch? = nil) {
            self.name = name
            self.width = width
            self.height = height
            self.color = color
            self.layout = layout
            self.scale = scale
            self.mean = mean
            self.std = std
            self.contrast = contrast
        }

        enum CodingKeys: String, CodingKey {
            case name, width, height, color, layout, scale, mean, std, contrast
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            width = try Input.wholeNumber(in: container, forKey: .width)
            height = try Input.wholeNumber(in: container, forKey: .height)
            color = try container.decode(ColorOrder.self, forKey: .color)
            layout = try container.decode(Layout.self, forKey: .layout)
            scale = try container.decode(Float.self, forKey: .scale)
            mean = try container.decode([Float].self, forKey: .mean)
            std = try container.decode([Float].self, forKey: .std)
            contrast = try container.decodeIfPresent(ContrastStretch.self, forKey: .contrast)
        }

        /// An integer field, with a clear error for 64.5 (which JSONDecoder reports as invalid JSON).
        private static func wholeNumber(in container: KeyedDecodingContainer<CodingKeys>,
                                        forKey key: CodingKeys) throws -> Int {
            let value = try container.decode(Double.self, forKey: key)
            guard value.rounded() == value, abs(value) < 1e9 else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "must be a whole number, got \(value)")
            }
            return Int(value)
        }

        /// The number of channels the colour order implies.
        public var channels: Int { color.channels }
        /// The mean for each channel (a single value is repeated).
        public var meanPerChannel: [Float] { mean.count == 1 ? Array(repeating: mean[0], count: channels) : mean }
        /// The standard deviation for each channel (a single value is repeated).
        public var stdPerChannel: [Float] { std.count == 1 ? Array(repeating: std[0], count: channels) : std }
    }

    /// The model's output tensor.
    public struct Output: Codable, Sendable, Equatable {
        public var name: String
        public var kind: OutputKind

        public init(name: String, kind: OutputKind) {
            self.name = name
            self.kind = kind
        }
    }

    public var name: String
    public var task: String
    public var input: Input
    public var output: Output
    /// Class names in the order of the output vector.
    public var labels: [String]
    /// How much to grow a detected face box on each side before cropping, as a fraction of its size
    /// (used only by manifests without `framing`: the box is then stretched to the input, as before).
    public var faceMargin: Float
    /// Where the landmarks of the training faces sit in the input; nil for models that take a box crop.
    public var framing: FaceFraming?
    /// Temperature that calibrates the output probabilities (measured on val by Models/tools/calibrate.py); 1 = as is.
    public var temperature: Float
    public var source: String?
    public var license: String?

    public init(name: String, task: String, input: Input, output: Output, labels: [String],
                faceMargin: Float = ClassifierManifest.defaultFaceMargin, framing: FaceFraming? = nil,
                temperature: Float = 1, source: String? = nil, license: String? = nil) {
        self.name = name
        self.task = task
        self.input = input
        self.output = output
        self.labels = labels
        self.faceMargin = faceMargin
        self.framing = framing
        self.temperature = temperature
        self.source = source
        self.license = license
    }

    enum CodingKeys: String, CodingKey {
        case name, task, input, output, labels, framing, temperature, source, license
        case faceMargin = "face_margin"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        task = try container.decode(String.self, forKey: .task)
        input = try container.decode(Input.self, forKey: .input)
        output = try container.decode(Output.self, forKey: .output)
        labels = try container.decode([String].self, forKey: .labels)
        faceMargin = try container.decodeIfPresent(Float.self, forKey: .faceMargin)
            ?? ClassifierManifest.defaultFaceMargin
        framing = try container.decodeIfPresent(FaceFraming.self, forKey: .framing)
        temperature = try container.decodeIfPresent(Float.self, forKey: .temperature) ?? 1
        source = try container.decodeIfPresent(String.self, forKey: .source)
        license = try container.decodeIfPresent(String.self, forKey: .license)
    }
}

/// Decodes a string enum, rejecting unknown values with a message listing the accepted ones.
func decodeManifestEnum<T: RawRepresentable & CaseIterable>(
    from decoder: any Decoder, what: String
) throws -> T where T.RawValue == String {
    let container = try decoder.singleValueContainer()
    let raw = try container.decode(String.self)
    if let value = T(rawValue: raw) { return value }
    let accepted = T.allCases.map { "\"\($0.rawValue)\"" }
    let list = accepted.count == 1
        ? "only \(accepted[0]) is supported"
        : "expected " + accepted.dropLast().joined(separator: ", ") + " or " + accepted.last!
    throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown \(what) \"\(raw)\" (\(list))")
}
