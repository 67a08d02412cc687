/// OpenCV's `groupRectangles` (objdetect) on integer rectangles: candidates are clustered with
/// `partition` under OpenCV's `SimilarRects` rule (all four edges within eps × the mean of the smaller
/// width and the smaller height), clusters with at most `minNeighbors` members are dropped, each
/// remaining cluster is averaged, and a cluster lying inside a stronger one is dropped.
enum RectangleGrouping {
    /// An integer rectangle in image pixels.
    struct Box: Equatable {
        var x: Int, y: Int, width: Int, height: Int
    }

    /// The grouped rectangles, each with the number of candidates it merged (OpenCV's `weights`).
    static func group(_ boxes: [Box], minNeighbors: Int, eps: Double = 0.2) -> [(box: Box, neighbors: Int)] {
        if minNeighbors <= 0 || boxes.isEmpty { return boxes.map { ($0, 1) } }
        let (labels, classCount) = partition(boxes) { similar($0, $1, eps: eps) }
        var sums = [(x: Int, y: Int, w: Int, h: Int)](repeating: (0, 0, 0, 0), count: classCount)
        var counts = [Int](repeating: 0, count: classCount)
        for (i, label) in labels.enumerated() {
            sums[label].x += boxes[i].x; sums[label].y += boxes[i].y
            sums[label].w += boxes[i].width; sums[label].h += boxes[i].height
            counts[label] += 1
        }
        let averaged: [Box] = (0..<classCount).map { c in
            let s = 1 / Float(counts[c])
            return Box(x: round(Float(sums[c].x) * s), y: round(Float(sums[c].y) * s),
                       width: round(Float(sums[c].w) * s), height: round(Float(sums[c].h) * s))
        }
        var out: [(box: Box, neighbors: Int)] = []
        for i in 0..<classCount {
            let r1 = averaged[i], n1 = counts[i]
            if n1 <= minNeighbors { continue }
            var inside = false
            for j in 0..<classCount where j != i && counts[j] > minNeighbors {
                let r2 = averaged[j], n2 = counts[j]
                let dx = round(Float(r2.width) * Float(eps)), dy = round(Float(r2.height) * Float(eps))
                if r1.x >= r2.x - dx, r1.y >= r2.y - dy, r1.x + r1.width <= r2.x + r2.width + dx,
                   r1.y + r1.height <= r2.y + r2.height + dy, n2 > max(3, n1) || n1 < 3 {
                    inside = true
                    break
                }
            }
            if !inside { out.append((r1, n1)) }
        }
        return out
    }

    /// `SimilarRects`: all four edges within δ = eps·(min widths + min heights)/2.
    static func similar(_ a: Box, _ b: Box, eps: Double) -> Bool {
        let delta = eps * Double(min(a.width, b.width) + min(a.height, b.height)) * 0.5
        return Double(abs(a.x - b.x)) <= delta && Double(abs(a.y - b.y)) <= delta
            && Double(abs(a.x + a.width - b.x - b.width)) <= delta
            && Double(abs(a.y + a.height - b.y - b.height)) <= delta
    }

    /// Connected components of the similarity graph (union-find), labelled in order of first appearance.
    static func partition(_ boxes: [Box], _ similar: (Box, Box) -> Bool) -> (labels: [Int], count: Int) {
        let n = boxes.count
        var parent = Array(0..<n)
        func root(_ i: Int) -> Int {
            var r = i
            while parent[r] != r { r = parent[r] }
            var k = i
            while parent[k] != r { let next = parent[k]; parent[k] = r; k = next }
            return r
        }
        for i in 0..<n {
            for j in (i + 1)..<n where similar(boxes[i], boxes[j]) {
                let a = root(i), b = root(j)
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        var labels = [Int](repeating: 0, count: n)
        var classOf = [Int: Int]()
        for i in 0..<n {
            let r = root(i)
            if let c = classOf[r] { labels[i] = c } else { labels[i] = classOf.count; classOf[r] = labels[i] }
        }
        return (labels, classOf.count)
    }

    /// `saturate_cast<int>(float)`: nearest, ties to even.
    @inline(__always) private static func round(_ v: Float) -> Int { Int(v.rounded(.toNearestOrEven)) }
}
