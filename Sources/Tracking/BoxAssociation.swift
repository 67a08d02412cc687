import Imaging

/// One-to-one matching of boxes by overlap: greedy, best IoU first.
///
/// Why greedy rather than Hungarian: faces are few (≲ 10) and rarely overlap each other, so the
/// IoU matrix is nearly diagonal and the best-first choice equals the optimal assignment in
/// practice; where two faces do overlap, taking the pair that overlaps most first is also what the
/// optimum would keep. Greedy is O(n·m·log(n·m)), deterministic (ties go to the lower indices)
/// and independent of the order of the inputs beyond that.
public enum BoxAssociation {
    /// A matched pair: `row` indexes the first list, `column` the second.
    public struct Pair: Sendable, Equatable {
        public var row: Int
        public var column: Int
        public var iou: Float

        public init(row: Int, column: Int, iou: Float) {
            self.row = row
            self.column = column
            self.iou = iou
        }
    }

    /// Pairs of `rows[i]` and `columns[j]` with IoU ≥ `minIoU` (and > 0), each box used at most once,
    /// chosen best IoU first; sorted by row.
    public static func match(_ rows: [Rect], _ columns: [Rect], minIoU: Float) -> [Pair] {
        var candidates: [Pair] = []
        for (i, a) in rows.enumerated() {
            for (j, b) in columns.enumerated() {
                let iou = a.iou(b)
                if iou > 0, iou >= minIoU { candidates.append(Pair(row: i, column: j, iou: iou)) }
            }
        }
        candidates.sort { ($0.iou, -$0.row, -$0.column) > ($1.iou, -$1.row, -$1.column) }
        var rowUsed = [Bool](repeating: false, count: rows.count)
        var columnUsed = [Bool](repeating: false, count: columns.count)
        var pairs: [Pair] = []
        for pair in candidates where !rowUsed[pair.row] && !columnUsed[pair.column] {
            rowUsed[pair.row] = true
            columnUsed[pair.column] = true
            pairs.append(pair)
        }
        return pairs.sorted { $0.row < $1.row }
    }
}
