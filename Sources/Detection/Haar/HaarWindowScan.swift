/// The sliding-window pass of `CascadeClassifier::detectMultiScale` over one pyramid level: windows at
/// every `step` pixels (OpenCV: 2 below scale 2, else 1) in both directions, the next window skipped
/// as well when one fails the first stage, and windows too flat to normalise (σ ≤ 10 grey levels on the
/// inner window, OpenCV's `setWindow` test) rejected before any stage.
extension CompiledHaarCascade {
    /// Top-left corners (in level pixels) of the windows of a `width`×`height` level that pass every stage.
    func scan(_ integrals: IntegralImages, width: Int, height: Int, step: Int, into hits: inout [(x: Int, y: Int)]) {
        let workWidth = width + 1 - windowWidth, workHeight = height + 1 - windowHeight
        guard workWidth > 0, workHeight > 0 else { return }
        integrals.withBuffers { sum, squares in
            offsets.withUnsafeBufferPointer { o in
                params.withUnsafeBufferPointer { p in
                    stumpLeaves.withUnsafeBufferPointer { l in
                        stageSizes.withUnsafeBufferPointer { sizes in
                            stageThresholds.withUnsafeBufferPointer { thresholds in
                                var y = 0
                                while y < workHeight {
                                    var x = 0
                                    while x < workWidth {
                                        let at = y &* stride &+ x
                                        let result = evaluate(sum + at, squares + at, o.baseAddress!, p.baseAddress!,
                                                              l.baseAddress!, sizes, thresholds.baseAddress!)
                                        if result > 0 { hits.append((x, y)) }
                                        if result == 0 { x &+= step }
                                        x &+= step
                                    }
                                    y &+= step
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// OpenCV's `runAt`: −1 when the window is too flat, −(failing stage) when rejected, 1 when it passes.
    @inline(__always)
    private func evaluate(_ s: UnsafePointer<Int32>, _ q: UnsafePointer<UInt32>, _ o: UnsafePointer<Int32>,
                          _ p: UnsafePointer<Float>, _ l: UnsafePointer<Double>,
                          _ sizes: UnsafeBufferPointer<Int>, _ thresholds: UnsafePointer<Double>) -> Int {
        let (n0, n1, n2, n3) = normOffsets
        let valueSum = s[n0] &- s[n1] &- s[n2] &+ s[n3]
        let valueSquares = q[n0] &- q[n1] &- q[n2] &+ q[n3]
        var nf = normArea * Double(valueSquares) - Double(valueSum) * Double(valueSum)
        guard nf > 0 else { return -1 }
        nf = nf.squareRoot()
        let factor = Float(1 / nf)
        guard normArea * Double(factor) < 0.1 else { return -1 }
        if isStumpBased {
            var node = 0
            for stage in 0..<sizes.count {
                var total: Double = 0
                let end = node &+ sizes[stage]
                while node < end {
                    let value = Self.feature(s, o + 12 &* node, p + 4 &* node) * factor
                    total += value < p[4 &* node &+ 3] ? l[2 &* node] : l[2 &* node &+ 1]
                    node &+= 1
                }
                if total < thresholds[stage] { return -stage }
            }
            return 1
        }
        return evaluateTrees(s, o, p, factor, sizes, thresholds)
    }

    /// The general path for cascades whose weak classifiers are trees of more than one node.
    private func evaluateTrees(_ s: UnsafePointer<Int32>, _ o: UnsafePointer<Int32>, _ p: UnsafePointer<Float>,
                               _ factor: Float, _ sizes: UnsafeBufferPointer<Int>, _ thresholds: UnsafePointer<Double>) -> Int {
        var nodeOffset = 0, leafOffset = 0, weak = 0
        for stage in 0..<sizes.count {
            var total: Double = 0
            for _ in 0..<sizes[stage] {
                var index = 0
                repeat {
                    let node = nodeOffset + index
                    let value = Self.feature(s, o + 12 * node, p + 4 * node) * factor
                    index = Int(value < p[4 * node + 3] ? children[2 * node] : children[2 * node + 1])
                } while index > 0
                total += Double(leaves[leafOffset - index])
                nodeOffset += weakNodeCounts[weak]
                leafOffset += weakNodeCounts[weak] + 1
                weak += 1
            }
            if total < thresholds[stage] { return -stage }
        }
        return 1
    }

    /// Σ weightₖ · (rectangle sum k), in Float as OpenCV's `OptFeature::calc`.
    @inline(__always)
    private static func feature(_ s: UnsafePointer<Int32>, _ o: UnsafePointer<Int32>, _ w: UnsafePointer<Float>) -> Float {
        @inline(__always) func rect(_ k: Int) -> Int32 {
            s[Int(o[k])] &- s[Int(o[k &+ 1])] &- s[Int(o[k &+ 2])] &+ s[Int(o[k &+ 3])]
        }
        var v = w[0] * Float(rect(0)) + w[1] * Float(rect(4))
        if w[2] != 0 { v += w[2] * Float(rect(8)) }
        return v
    }
}
