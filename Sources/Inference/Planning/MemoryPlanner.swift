/// Assigns arena offsets to slots so that slots alive at the same time never overlap.
enum MemoryPlanner {
    struct Assignment {
        var offsets: [Int]
        var total: Int
    }

    static func assign(_ plan: GraphPlan) -> Assignment {
        let count = plan.slotSizes.count
        let end = plan.steps.count
        var first = [Int](repeating: Int.max, count: count)
        var last = [Int](repeating: -1, count: count)
        for input in plan.inputs { first[input.slot] = -1; last[input.slot] = max(last[input.slot], -1) }
        for (i, step) in plan.steps.enumerated() {
            for s in step.writes { first[s] = min(first[s], i); last[s] = max(last[s], i) }
            for s in step.reads { first[s] = min(first[s], i); last[s] = max(last[s], i) }
        }
        // Inputs stay valid for the caller to refill; outputs live to the end.
        for input in plan.inputs { first[input.slot] = -1; last[input.slot] = end }
        for output in plan.outputs { last[output.slot] = end }
        // Largest first, each at the lowest offset not overlapping a slot alive at the same time.
        let order = (0..<count).filter { last[$0] >= 0 || first[$0] != Int.max }
            .sorted { plan.slotSizes[$0] != plan.slotSizes[$1] ? plan.slotSizes[$0] > plan.slotSizes[$1] : $0 < $1 }
        var offsets = [Int](repeating: 0, count: count)
        var placed: [(start: Int, end: Int, first: Int, last: Int)] = []
        var total = 0
        for s in order {
            // Round sizes up to 16 floats (64 bytes) so every slot starts cache-line aligned.
            let size = (plan.slotSizes[s] + 15) / 16 * 16
            let overlapping = placed.filter { $0.first <= last[s] && first[s] <= $0.last }.sorted { $0.start < $1.start }
            var offset = 0
            for p in overlapping {
                if offset + size <= p.start { break }
                offset = max(offset, p.end)
            }
            offsets[s] = offset
            placed.append((offset, offset + size, first[s], last[s]))
            total = max(total, offset + size)
        }
        return Assignment(offsets: offsets, total: total)
    }
}
