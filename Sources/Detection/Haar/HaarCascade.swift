/// An OpenCV boosted Haar cascade as stored in its XML file: window size, stages of weak
/// classifiers (decision trees over Haar features, usually stumps) and the feature list.
public struct HaarCascade: Sendable, Equatable {
    /// One rectangle of a Haar feature, in window pixels, with its weight.
    public struct WeightedRect: Sendable, Equatable {
        public var x: Int, y: Int, width: Int, height: Int
        public var weight: Float
        public init(x: Int, y: Int, width: Int, height: Int, weight: Float) {
            self.x = x; self.y = y; self.width = width; self.height = height; self.weight = weight
        }
    }

    /// A Haar feature: the weighted sum of up to three rectangle sums (upright only; see `tilted`).
    public struct Feature: Sendable, Equatable {
        public var rects: [WeightedRect]
        /// Rotated by 45°: OpenCV's extended feature set. Not evaluated by fer-live (rejected at load).
        public var tilted: Bool
        public init(rects: [WeightedRect], tilted: Bool = false) { self.rects = rects; self.tilted = tilted }
    }

    /// An internal node of a weak classifier's tree: go `left` when feature value < `threshold`.
    /// Child indices > 0 are nodes of the same tree; ≤ 0 are leaves (−index into the tree's leaves).
    public struct Node: Sendable, Equatable {
        public var left: Int, right: Int
        public var featureIndex: Int
        public var threshold: Float
        public init(left: Int, right: Int, featureIndex: Int, threshold: Float) {
            self.left = left; self.right = right; self.featureIndex = featureIndex; self.threshold = threshold
        }
    }

    /// A weak classifier: a small decision tree (one node for a stump) with its leaf values.
    public struct WeakClassifier: Sendable, Equatable {
        public var nodes: [Node]
        public var leaves: [Float]
        public init(nodes: [Node], leaves: [Float]) { self.nodes = nodes; self.leaves = leaves }
    }

    /// A stage: the window passes when the sum of its weak classifiers' leaves reaches `threshold`.
    public struct Stage: Sendable, Equatable {
        public var threshold: Float
        public var weakClassifiers: [WeakClassifier]
        public init(threshold: Float, weakClassifiers: [WeakClassifier]) {
            self.threshold = threshold; self.weakClassifiers = weakClassifiers
        }
    }

    /// The detection window the cascade was trained on (24x24 for the frontal-face cascades).
    public var windowWidth: Int
    public var windowHeight: Int
    public var stages: [Stage]
    public var features: [Feature]

    public init(windowWidth: Int, windowHeight: Int, stages: [Stage], features: [Feature]) {
        self.windowWidth = windowWidth
        self.windowHeight = windowHeight
        self.stages = stages
        self.features = features
    }

    /// True when every weak classifier is a single-node stump (the fast evaluation path).
    public var isStumpBased: Bool { stages.allSatisfy { $0.weakClassifiers.allSatisfy { $0.nodes.count == 1 } } }
}
