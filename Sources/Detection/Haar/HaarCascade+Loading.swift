import Foundation

extension HaarCascade {
    /// Reads a cascade in OpenCV's current XML format (`type_id="opencv-cascade-classifier"`, as
    /// written by `opencv_traincascade`, e.g. `haarcascade_frontalface_default.xml`).
    /// Every problem, from a truncated file to a feature index out of range, is a `HaarCascadeError`
    /// naming the file.
    public init(contentsOf url: URL) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw HaarCascadeError(file: url.path, reason: "cannot read the file (No such file or directory)")
        }
        guard !isDirectory.boolValue else {
            throw HaarCascadeError(file: url.path, reason: "cannot read the file (it is a directory)")
        }
        guard manager.isReadableFile(atPath: url.path) else {
            throw HaarCascadeError(file: url.path, reason: "cannot read the file (Permission denied)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw HaarCascadeError(file: url.path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        try self.init(xml: [UInt8](data), file: url.path)
    }

    /// Parses cascade XML held in memory; `file` names it in errors.
    public init(xml bytes: [UInt8], file: String = "<memory>") throws {
        let root: CascadeXMLElement
        do {
            root = try CascadeXMLParser.parse(bytes)
        } catch {
            throw HaarCascadeError(file: file, reason: "malformed XML at line \(error.line): \(error.reason)")
        }
        var reader = CascadeReader(file: file)
        self = try reader.read(root)
    }
}

/// Walks the XML tree of a cascade, checking every field OpenCV's loader relies on.
private struct CascadeReader {
    let file: String

    func fail(_ reason: String, _ element: CascadeXMLElement? = nil) -> HaarCascadeError {
        HaarCascadeError(file: file, reason: element.map { "\(reason) (line \($0.line))" } ?? reason)
    }

    mutating func read(_ root: CascadeXMLElement) throws -> HaarCascade {
        guard root.name == "opencv_storage" else {
            throw fail("the root element is <\(root.name)>, expected <opencv_storage>", root)
        }
        guard let cascade = root.children.first else { throw fail("<opencv_storage> is empty", root) }
        let typeID = cascade.attributes["type_id"] ?? ""
        if typeID == "opencv-haar-classifier" {
            throw fail("old-style cascade (type_id \"opencv-haar-classifier\"); convert it with OpenCV's "
                       + "opencv_traincascade format or use a cascade from OpenCV 3.0 or later", cascade)
        }
        guard cascade.name == "cascade" || typeID == "opencv-cascade-classifier" else {
            throw fail("the first element is <\(cascade.name)>, expected <cascade type_id=\"opencv-cascade-classifier\">", cascade)
        }
        let stageType = try text(cascade, "stageType")
        guard stageType == "BOOST" else { throw fail("stageType \(stageType) is not supported (only BOOST)", cascade) }
        let featureType = try text(cascade, "featureType")
        guard featureType == "HAAR" else {
            throw fail("featureType \(featureType) is not supported (only HAAR; LBP and HOG cascades are not)", cascade)
        }
        if let catCount = cascade.child("featureParams")?.child("maxCatCount"), let n = Int(catCount.text.trimmed), n > 0 {
            throw fail("categorical features (maxCatCount \(n)) are not supported", catCount)
        }
        let width = try int(cascade, "width"), height = try int(cascade, "height")
        guard (1...1024).contains(width), (1...1024).contains(height) else {
            throw fail("window size \(width)x\(height) is not in 1...1024", cascade)
        }

        // Features first: the stages refer to them by index.
        guard let featuresElement = cascade.child("features") else { throw fail("no <features>", cascade) }
        var features: [HaarCascade.Feature] = []
        for (fi, f) in featuresElement.children.enumerated() {
            guard let rectsElement = f.child("rects") else { throw fail("feature \(fi) has no <rects>", f) }
            var rects: [HaarCascade.WeightedRect] = []
            for r in rectsElement.children {
                let v = r.tokens
                guard v.count == 5, let x = Int(v[0]), let y = Int(v[1]), let w = Int(v[2]), let h = Int(v[3]),
                      let weight = Self.float(v[4]) else {
                    throw fail("feature \(fi): a rectangle must be 'x y width height weight', got '\(r.text.trimmed)'", r)
                }
                rects.append(HaarCascade.WeightedRect(x: x, y: y, width: w, height: h, weight: weight))
            }
            guard (1...3).contains(rects.count) else {
                throw fail("feature \(fi) has \(rects.count) rectangles (1 to 3 expected)", f)
            }
            var tilted = false
            if let t = f.child("tilted") {
                guard let value = Int(t.text.trimmed) else { throw fail("feature \(fi): <tilted> is not 0 or 1", t) }
                tilted = value != 0
            }
            if tilted {
                throw fail("feature \(fi) is tilted (45° features of the extended set are not supported)", f)
            }
            for r in rects where r.x < 0 || r.y < 0 || r.width <= 0 || r.height <= 0
                || r.x + r.width > width || r.y + r.height > height {
                throw fail("feature \(fi): rectangle \(r.x) \(r.y) \(r.width) \(r.height) lies outside the \(width)x\(height) window", f)
            }
            features.append(HaarCascade.Feature(rects: rects, tilted: tilted))
        }
        guard !features.isEmpty else { throw fail("<features> is empty", featuresElement) }

        guard let stagesElement = cascade.child("stages") else { throw fail("no <stages>", cascade) }
        var stages: [HaarCascade.Stage] = []
        for (si, s) in stagesElement.children.enumerated() {
            guard let thresholdElement = s.child("stageThreshold"), let threshold = Self.float(Substring(thresholdElement.text.trimmed)) else {
                throw fail("stage \(si) has no numeric <stageThreshold>", s)
            }
            guard let weakElement = s.child("weakClassifiers") else { throw fail("stage \(si) has no <weakClassifiers>", s) }
            var weak: [HaarCascade.WeakClassifier] = []
            for (wi, w) in weakElement.children.enumerated() {
                let place = "stage \(si), weak classifier \(wi)"
                guard let nodesElement = w.child("internalNodes"), let leavesElement = w.child("leafValues") else {
                    throw fail("\(place) lacks <internalNodes> or <leafValues>", w)
                }
                let n = nodesElement.tokens, l = leavesElement.tokens
                guard !n.isEmpty, n.count % 4 == 0 else {
                    throw fail("\(place): <internalNodes> must hold groups of 4 numbers (left right feature threshold), got \(n.count)", nodesElement)
                }
                let nodeCount = n.count / 4
                guard l.count == nodeCount + 1 else {
                    throw fail("\(place): \(nodeCount) node(s) need \(nodeCount + 1) leaf values, got \(l.count)", leavesElement)
                }
                var nodes: [HaarCascade.Node] = []
                for k in 0..<nodeCount {
                    guard let left = Int(n[4 * k]), let right = Int(n[4 * k + 1]), let fi = Int(n[4 * k + 2]),
                          let t = Self.float(n[4 * k + 3]) else {
                        throw fail("\(place): node \(k) is not 'left right feature threshold'", nodesElement)
                    }
                    guard features.indices.contains(fi) else {
                        throw fail("\(place): feature index \(fi) is out of range (\(features.count) features)", nodesElement)
                    }
                    for child in [left, right] where child >= nodeCount || child < -nodeCount || (child > 0 && child <= k) {
                        throw fail("\(place): node \(k) points to child \(child), outside the tree", nodesElement)
                    }
                    nodes.append(HaarCascade.Node(left: left, right: right, featureIndex: fi, threshold: t))
                }
                var leaves: [Float] = []
                for v in l {
                    guard let value = Self.float(v) else { throw fail("\(place): leaf value '\(v)' is not a number", leavesElement) }
                    leaves.append(value)
                }
                weak.append(HaarCascade.WeakClassifier(nodes: nodes, leaves: leaves))
            }
            guard !weak.isEmpty else { throw fail("stage \(si) has no weak classifiers", s) }
            stages.append(HaarCascade.Stage(threshold: threshold, weakClassifiers: weak))
        }
        guard !stages.isEmpty else { throw fail("<stages> is empty", stagesElement) }
        if let declared = cascade.child("stageNum"), let n = Int(declared.text.trimmed), n != stages.count {
            throw fail("<stageNum> says \(n) stages but \(stages.count) are present", declared)
        }
        return HaarCascade(windowWidth: width, windowHeight: height, stages: stages, features: features)
    }

    private func text(_ element: CascadeXMLElement, _ name: String) throws -> String {
        guard let child = element.child(name) else { throw fail("no <\(name)> in <\(element.name)>", element) }
        return child.text.trimmed
    }

    private func int(_ element: CascadeXMLElement, _ name: String) throws -> Int {
        let t = try text(element, name)
        guard let value = Int(t) else { throw fail("<\(name)> is '\(t)', not an integer", element) }
        return value
    }

    /// A number as OpenCV reads it: parsed as a double, then rounded to float.
    static func float(_ token: Substring) -> Float? {
        guard let d = Double(token), d.isFinite else { return nil }
        return Float(d)
    }
}

private extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
