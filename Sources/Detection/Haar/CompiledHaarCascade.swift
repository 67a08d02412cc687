/// A cascade laid out for evaluation on integral images with one row stride: every weak classifier's
/// feature is turned into twelve integral offsets (three rectangles × four corners) and its weights,
/// in flat contiguous arrays, so a window is evaluated without lookups or allocation.
/// The arithmetic follows OpenCV 4's `HaarEvaluator` and `predictOrderedStump`/`predictOrdered`: feature
/// values in `Float` (weighted rectangle sums × the window's 1/σ·area factor), stage sums in `Double`,
/// stage thresholds lowered by 1e-5, and the 22x22 inner window (`normrect`) for the variance.
struct CompiledHaarCascade {
    let stride: Int
    let windowWidth: Int
    let windowHeight: Int
    /// Per node: 12 integral offsets relative to the window's top-left integral entry.
    let offsets: [Int32]
    /// Per node: weight0, weight1, weight2, threshold.
    let params: [Float]
    /// Per stump (stump cascades): left and right leaf values (left when value < threshold), widened to the
    /// Double the stage sums are kept in once here rather than at every window.
    let stumpLeaves: [Double]
    /// Per stage: number of weak classifiers, and (tree cascades) per weak classifier its node count.
    let stageSizes: [Int]
    let stageThresholds: [Double]
    /// Tree cascades only: per node left/right child (> 0 node, ≤ 0 leaf), per weak its leaves' start.
    let children: [Int32]
    let weakNodeCounts: [Int]
    let leaves: [Float]
    let isStumpBased: Bool
    /// Offsets of the variance rectangle (x 1, y 1, window − 2) and its area.
    let normOffsets: (Int, Int, Int, Int)
    let normArea: Double

    init(_ cascade: HaarCascade, stride: Int) {
        self.stride = stride
        windowWidth = cascade.windowWidth
        windowHeight = cascade.windowHeight
        isStumpBased = cascade.isStumpBased
        func corners(_ x: Int, _ y: Int, _ w: Int, _ h: Int) -> [Int32] {
            [Int32(x + stride * y), Int32(x + w + stride * y), Int32(x + stride * (y + h)), Int32(x + w + stride * (y + h))]
        }
        var offsets: [Int32] = [], params: [Float] = [], stumpLeaves: [Double] = []
        var children: [Int32] = [], weakNodeCounts: [Int] = [], leaves: [Float] = []
        var stageSizes: [Int] = [], stageThresholds: [Double] = []
        for stage in cascade.stages {
            stageSizes.append(stage.weakClassifiers.count)
            stageThresholds.append(Double(stage.threshold - 1e-5))
            for weak in stage.weakClassifiers {
                weakNodeCounts.append(weak.nodes.count)
                leaves.append(contentsOf: weak.leaves)
                for node in weak.nodes {
                    let feature = cascade.features[node.featureIndex]
                    var weights: [Float] = [0, 0, 0]
                    for k in 0..<3 {
                        if k < feature.rects.count {
                            let r = feature.rects[k]
                            offsets += corners(r.x, r.y, r.width, r.height)
                            weights[k] = r.weight
                        } else {
                            offsets += [0, 0, 0, 0]
                        }
                    }
                    params += weights + [node.threshold]
                    children += [Int32(node.left), Int32(node.right)]
                }
                if weak.nodes.count == 1 { stumpLeaves += [Double(weak.leaves[0]), Double(weak.leaves[1])] }
            }
        }
        self.offsets = offsets
        self.params = params
        self.stumpLeaves = stumpLeaves
        self.children = children
        self.weakNodeCounts = weakNodeCounts
        self.leaves = leaves
        self.stageSizes = stageSizes
        self.stageThresholds = stageThresholds
        let n = corners(1, 1, windowWidth - 2, windowHeight - 2)
        normOffsets = (Int(n[0]), Int(n[1]), Int(n[2]), Int(n[3]))
        normArea = Double((windowWidth - 2) * (windowHeight - 2))
    }
}
