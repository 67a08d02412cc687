import Foundation

/// Evaluates operators whose inputs are all known at load time (shape arithmetic, constant weights).
struct ConstantFolder {
    let node: Node
    let opset: Int
    let fail: (String) -> InferenceError

    func evaluate(_ inputs: [PlanValue?]) throws -> [ConstantTensor] {
        func const(_ i: Int) throws -> ConstantTensor {
            guard i < inputs.count, case .constant(let t)? = inputs[i] else { throw fail("input \(i) is missing") }
            return t
        }
        func optionalConst(_ i: Int) -> ConstantTensor? {
            guard i < inputs.count, case .constant(let t)? = inputs[i] else { return nil }
            return t
        }
        switch node.opType {
        case "Constant":
            if let t = node.tensor("value") { return [t] }
            if case .float(let f)? = node.attributes["value_float"] { return [ConstantTensor(shape: [], floats: [f])] }
            if case .int(let i)? = node.attributes["value_int"] { return [ConstantTensor(shape: [], ints: [i])] }
            if let v = node.ints("value_ints") { return [ConstantTensor(shape: [v.count], ints: v)] }
            if case .floats(let v)? = node.attributes["value_floats"] { return [ConstantTensor(shape: [v.count], floats: v)] }
            throw fail("Constant without a supported value attribute")
        case "Shape":
            guard let shape = inputs.first??.shape else { throw fail("input 0 is missing") }
            let rank = shape.count
            var start = node.int("start", default: 0), end = node.int("end", default: rank)
            if start < 0 { start += rank }
            if end < 0 { end += rank }
            start = min(max(start, 0), rank)
            end = min(max(end, start), rank)
            return [ConstantTensor(shape: [end - start], ints: Array(shape[start..<end]))]
        case "Identity", "Dropout":
            return [try const(0)]
        case "Cast":
            let t = try const(0)
            let to = node.int("to", default: 1)
            switch to {
            case 1, 10, 11: return [ConstantTensor(shape: t.shape, floats: t.floats)]
            case 2, 3, 4, 5, 6, 7, 9, 12, 13: return [ConstantTensor(shape: t.shape, ints: t.ints)]
            default: throw fail("cast to type \(to) is not supported")
            }
        case "Gather":
            let data = try const(0), indices = try const(1)
            guard let axis = Shapes.axis(node.int("axis", default: 0), rank: data.shape.count) else {
                throw fail("axis out of range")
            }
            let outer = data.shape[..<axis].reduce(1, *), inner = data.shape[(axis + 1)...].reduce(1, *)
            let n = data.shape[axis]
            var picks: [Int] = []
            for o in 0..<outer {
                for var idx in indices.ints {
                    if idx < 0 { idx += n }
                    guard (0..<n).contains(idx) else { throw fail("index \(idx) out of range 0..<\(n)") }
                    for i in 0..<inner { picks.append((o * n + idx) * inner + i) }
                }
            }
            let shape = Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
            return [data.gathered(shape: shape, indices: picks)]
        case "Unsqueeze", "Squeeze":
            let t = try const(0)
            let axes = node.ints("axes") ?? (optionalConst(1)?.ints ?? [])
            let shape = try Self.squeezeShape(t.shape, axes: axes, unsqueeze: node.opType == "Unsqueeze", fail: fail)
            return [t.reshaped(shape)]
        case "Reshape":
            let t = try const(0), target = try const(1)
            guard let shape = Shapes.reshape(t.shape, to: target.ints, allowZero: node.int("allowzero", default: 0) != 0)
            else { throw fail("cannot reshape \(t.shape) to \(target.ints)") }
            return [t.reshaped(shape)]
        case "Flatten":
            let t = try const(0)
            guard let axis = Shapes.axis(node.int("axis", default: 1), rank: t.shape.count + 1) else { throw fail("bad axis") }
            return [t.reshaped([t.shape[..<axis].reduce(1, *), t.shape[axis...].reduce(1, *)])]
        case "Concat":
            let parts = try (0..<inputs.count).map { try const($0) }
            guard let first = parts.first, let axis = Shapes.axis(node.int("axis", default: 0), rank: first.shape.count)
            else { throw fail("bad axis") }
            var shape = first.shape
            shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
            let outer = first.shape[..<axis].reduce(1, *)
            if parts.allSatisfy(\.isInt) {
                var out: [Int] = []
                for o in 0..<outer {
                    for p in parts { let block = p.shape[axis...].reduce(1, *); out += p.ints[(o * block)..<((o + 1) * block)] }
                }
                return [ConstantTensor(shape: shape, ints: out)]
            }
            var out: [Float] = []
            for o in 0..<outer {
                for p in parts { let block = p.shape[axis...].reduce(1, *); out += p.floats[(o * block)..<((o + 1) * block)] }
            }
            return [ConstantTensor(shape: shape, floats: out)]
        case "Add", "Sub", "Mul", "Div":
            let a = try const(0), b = try const(1)
            guard let shape = Shapes.broadcast(a.shape, b.shape) else { throw fail("cannot broadcast \(a.shape) with \(b.shape)") }
            let sa = Shapes.broadcastStrides(a.shape, to: shape), sb = Shapes.broadcastStrides(b.shape, to: shape)
            let outStrides = Shapes.strides(shape)
            let count = shape.reduce(1, *)
            let pairs = (0..<count).map { i -> (Int, Int) in
                var ia = 0, ib = 0, rest = i
                for d in 0..<shape.count {
                    let q = rest / outStrides[d]
                    rest %= outStrides[d]
                    ia += q * sa[d]
                    ib += q * sb[d]
                }
                return (ia, ib)
            }
            if a.isInt && b.isInt {
                let x = a.ints, y = b.ints
                let out = try pairs.map { (i, j) -> Int in
                    switch node.opType {
                    case "Add": return x[i] + y[j]
                    case "Sub": return x[i] - y[j]
                    case "Mul": return x[i] * y[j]
                    default:
                        guard y[j] != 0 else { throw fail("integer division by zero") }
                        return Int((Double(x[i]) / Double(y[j])).rounded(.down))
                    }
                }
                return [ConstantTensor(shape: shape, ints: out)]
            }
            let x = a.floats, y = b.floats
            let out = pairs.map { (i, j) -> Float in
                switch node.opType {
                case "Add": return x[i] + y[j]
                case "Sub": return x[i] - y[j]
                case "Mul": return x[i] * y[j]
                default: return x[i] / y[j]
                }
            }
            return [ConstantTensor(shape: shape, floats: out)]
        case "Floor", "Ceil":
            let t = try const(0)
            if t.isInt { return [t] }
            return [ConstantTensor(shape: t.shape, floats: t.floats.map { node.opType == "Floor" ? $0.rounded(.down) : $0.rounded(.up) })]
        case "ConstantOfShape":
            let shape = try const(0).ints
            let value = node.tensor("value") ?? ConstantTensor(shape: [1], floats: [0])
            let count = shape.reduce(1, *)
            if value.isInt { return [ConstantTensor(shape: shape, ints: Array(repeating: value.ints[0], count: count))] }
            return [ConstantTensor(shape: shape, floats: Array(repeating: value.floats[0], count: count))]
        case "Range":
            let start = try const(0), limit = try const(1), delta = try const(2)
            if start.isInt && limit.isInt && delta.isInt {
                let d = delta.ints[0]
                guard d != 0 else { throw fail("delta is 0") }
                let values = Array(stride(from: start.ints[0], to: limit.ints[0], by: d))
                return [ConstantTensor(shape: [values.count], ints: values)]
            }
            let d = delta.floats[0]
            guard d != 0 else { throw fail("delta is 0") }
            let values = Array(stride(from: start.floats[0], to: limit.floats[0], by: d))
            return [ConstantTensor(shape: [values.count], floats: values)]
        case "Slice":
            let t = try const(0)
            let spec = try Self.sliceSpec(node, shape: t.shape, values: { name in
                guard let i = node.inputs.firstIndex(of: name) else { return nil }
                return optionalConst(i)
            }, fail: fail)
            let strides = Shapes.strides(t.shape)
            let count = spec.outShape.reduce(1, *)
            let outStrides = Shapes.strides(spec.outShape)
            let picks = (0..<count).map { i -> Int in
                var offset = 0, rest = i
                for d in 0..<spec.outShape.count {
                    let q = rest / outStrides[d]
                    rest %= outStrides[d]
                    offset += (spec.starts[d] + q * spec.steps[d]) * strides[d]
                }
                return offset
            }
            return [t.gathered(shape: spec.outShape, indices: picks)]
        case "Transpose":
            let t = try const(0)
            let perm = node.ints("perm") ?? Array((0..<t.shape.count).reversed())
            let shape = perm.map { t.shape[$0] }
            let strides = Shapes.strides(t.shape), outStrides = Shapes.strides(shape)
            let picks = (0..<t.count).map { i -> Int in
                var offset = 0, rest = i
                for d in 0..<shape.count {
                    let q = rest / outStrides[d]
                    rest %= outStrides[d]
                    offset += q * strides[perm[d]]
                }
                return offset
            }
            return [t.gathered(shape: shape, indices: picks)]
        default:
            throw fail("\(node.opType) with only constant inputs cannot be folded")
        }
    }

    /// The shape after Squeeze or Unsqueeze with the given axes.
    static func squeezeShape(_ shape: [Int], axes: [Int], unsqueeze: Bool, fail: (String) -> InferenceError) throws -> [Int] {
        if unsqueeze {
            let rank = shape.count + axes.count
            let normalized = try axes.map { a -> Int in
                guard let n = Shapes.axis(a, rank: rank) else { throw fail("axis \(a) out of range") }
                return n
            }.sorted()
            var out = shape
            for a in normalized { out.insert(1, at: a) }
            return out
        }
        if axes.isEmpty { return shape.filter { $0 != 1 } }
        let normalized = try Set(axes.map { a -> Int in
            guard let n = Shapes.axis(a, rank: shape.count), shape[n] == 1 else {
                throw fail("cannot squeeze axis \(a) of \(shape)")
            }
            return n
        })
        return shape.enumerated().filter { !normalized.contains($0.offset) }.map(\.element)
    }

    /// Start and step per dimension, and the output shape, of a Slice on `shape`.
    static func sliceSpec(_ node: Node, shape: [Int], values: (String) -> ConstantTensor?,
                          fail: (String) -> InferenceError) throws -> (starts: [Int], steps: [Int], outShape: [Int]) {
        var startsIn: [Int], endsIn: [Int], axes: [Int], stepsIn: [Int]
        if let s = node.ints("starts"), let e = node.ints("ends") {
            startsIn = s
            endsIn = e
            axes = node.ints("axes") ?? Array(0..<s.count)
            stepsIn = [Int](repeating: 1, count: s.count)
        } else {
            func input(_ i: Int) throws -> [Int]? {
                guard let name = node.input(i) else { return nil }
                guard let t = values(name) else { throw fail("slice parameter \(i) must be constant") }
                return t.ints
            }
            guard let s = try input(1), let e = try input(2) else { throw fail("starts and ends are required") }
            startsIn = s
            endsIn = e
            axes = try input(3) ?? Array(0..<s.count)
            stepsIn = try input(4) ?? [Int](repeating: 1, count: s.count)
        }
        var starts = [Int](repeating: 0, count: shape.count)
        var steps = [Int](repeating: 1, count: shape.count)
        var out = shape
        for (k, a) in axes.enumerated() {
            guard let axis = Shapes.axis(a, rank: shape.count) else { throw fail("axis \(a) out of range") }
            let dim = shape[axis]
            let step = stepsIn[k]
            guard step != 0 else { throw fail("step 0") }
            var start = startsIn[k], end = endsIn[k]
            if start < 0 { start += dim }
            if end < 0 { end += dim }
            if step > 0 {
                start = min(max(start, 0), dim)
                end = min(max(end, 0), dim)
                out[axis] = max(0, (end - start + step - 1) / step)
            } else {
                start = min(max(start, -1), dim - 1)
                end = min(max(end, -1), dim - 1)
                out[axis] = max(0, (start - end + (-step) - 1) / (-step))
            }
            starts[axis] = start
            steps[axis] = step
        }
        return (starts, steps, out)
    }
}
