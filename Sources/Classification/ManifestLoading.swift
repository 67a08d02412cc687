import Foundation

extension ClassifierManifest {
    /// The manifest path for a model: the same path with the extension replaced by `.json`.
    public static func manifestPath(forModelAt modelPath: String) -> String {
        let url = URL(fileURLWithPath: modelPath)
        let base = url.pathExtension.isEmpty ? modelPath : String(modelPath.dropLast(url.pathExtension.count + 1))
        return base + ".json"
    }

    /// Reads and validates the manifest beside `modelPath` (e.g. `Models/x.onnx` -> `Models/x.json`).
    public static func load(forModelAt modelPath: String) throws(ClassifierManifestError) -> ClassifierManifest {
        let path = manifestPath(forModelAt: modelPath)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .missing(model: modelPath, expected: path)
        }
        guard !isDirectory.boolValue else { throw .unreadable(file: path, reason: "it is a directory") }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        return try decode(data, file: path)
    }

    /// Parses and validates manifest JSON; `file` names the source in error messages.
    public static func decode(_ data: Data, file: String) throws(ClassifierManifestError) -> ClassifierManifest {
        let manifest: ClassifierManifest
        do {
            manifest = try JSONDecoder().decode(ClassifierManifest.self, from: data)
        } catch let error as DecodingError {
            throw translate(error, data: data, file: file)
        } catch {
            throw .malformed(file: file, reason: "\(error)")
        }
        try manifest.validate(file: file)
        return manifest
    }

    /// Checks the values JSON decoding cannot: sizes, channel counts, divisors and labels.
    public func validate(file: String) throws(ClassifierManifestError) {
        if let (field, reason) = firstProblem() {
            throw .invalid(file: file, field: field, reason: reason)
        }
    }

    /// The first invalid field and why, or nil when the manifest is usable.
    private func firstProblem() -> (field: String, reason: String)? {
        let side = 1...ClassifierManifest.maximumInputSide
        if name.isEmpty { return ("name", "must not be empty") }
        if input.name.isEmpty { return ("input.name", "must not be empty") }
        if !side.contains(input.width) {
            return ("input.width", "\(input.width) is outside 1...\(ClassifierManifest.maximumInputSide)")
        }
        if !side.contains(input.height) {
            return ("input.height", "\(input.height) is outside 1...\(ClassifierManifest.maximumInputSide)")
        }
        if !(input.scale.isFinite && input.scale > 0) {
            return ("input.scale", "must be a positive number, got \(input.scale)")
        }
        let channels = input.channels
        let counts = channels == 1 ? "1" : "1 or \(channels)"
        for (field, values) in [("input.mean", input.mean), ("input.std", input.std)] {
            if values.count != 1 && values.count != channels {
                return (field, "has \(values.count) values; \(input.color.rawValue) needs \(counts)")
            }
            if let bad = values.first(where: { !$0.isFinite }) {
                return (field, "contains \(bad), which is not a finite number")
            }
        }
        if input.std.contains(0) { return ("input.std", "contains 0, which would divide by zero") }
        if let problem = input.contrast?.problem { return ("input.contrast", problem) }
        if output.name.isEmpty { return ("output.name", "must not be empty") }
        if labels.isEmpty { return ("labels", "must name at least one class") }
        if let blank = labels.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            return ("labels[\(blank)]", "is blank")
        }
        var seen: Set<String> = []
        for label in labels where !seen.insert(label.lowercased()).inserted {
            return ("labels", "\"\(label)\" appears more than once")
        }
        if !(faceMargin.isFinite && (0...1).contains(faceMargin)) {
            return ("face_margin", "\(faceMargin) is outside 0...1")
        }
        if let problem = framing?.problem { return ("framing.template", problem) }
        if !(temperature.isFinite && (0.05...20).contains(temperature)) {
            return ("temperature", "\(temperature) is outside 0.05...20")
        }
        return nil
    }

    /// Turns a decoder error into one line naming the field.
    private static func translate(_ error: DecodingError, data: Data, file: String) -> ClassifierManifestError {
        switch error {
        case .keyNotFound(let key, let context):
            return .invalid(file: file, field: fieldName(context.codingPath + [key]), reason: "is missing")
        case .valueNotFound(_, let context):
            return .invalid(file: file, field: fieldName(context.codingPath), reason: "is null")
        case .typeMismatch(let type, let context):
            let reason = "has the wrong type (expected \(typeName(type)))"
            guard !context.codingPath.isEmpty else { return .malformed(file: file, reason: "expected a JSON object") }
            return .invalid(file: file, field: fieldName(context.codingPath), reason: reason)
        case .dataCorrupted(let context):
            guard !context.codingPath.isEmpty else { return .malformed(file: file, reason: syntaxProblem(in: data)) }
            return .invalid(file: file, field: fieldName(context.codingPath), reason: context.debugDescription)
        @unknown default:
            return .malformed(file: file, reason: "\(error)")
        }
    }

    /// Where and why the text is not JSON. JSONDecoder on Linux only says "not valid JSON", and says
    /// so as well for a number that does not fit its field, so ask JSONSerialization for the details.
    private static func syntaxProblem(in data: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return "a number does not fit its field (a fraction or a huge value where a whole number belongs)"
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            return detail ?? "not valid JSON"
        }
    }

    /// "input.mean[1]" for the path input -> mean -> 1.
    private static func fieldName(_ path: [any CodingKey]) -> String {
        var name = ""
        for key in path {
            if let index = key.intValue {
                name += "[\(index)]"
            } else {
                name += (name.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return name.isEmpty ? "(top level)" : name
    }

    /// A JSON-flavoured name for a Swift type in error messages.
    private static func typeName(_ type: Any.Type) -> String {
        let swiftName = String(describing: type)
        switch swiftName {
        case "String": return "a string"
        case "Int": return "an integer"
        case "Float", "Double": return "a number"
        case "Bool": return "true or false"
        default: return swiftName.hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
