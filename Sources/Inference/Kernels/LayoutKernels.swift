import CKernels

/// Transpose by a permutation; the common NCHW→NHWC case is a blocked 2-D transpose.
final class TransposeKernel: Kernel {
    let x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
    let outShape: [Int]
    /// Input strides in output-dimension order.
    let srcStrides: [Int]
    /// When the permutation is a batch of 2-D transposes: (batch, rows, cols) of the input.
    let matrix: (batch: Int, rows: Int, cols: Int)?
    let counter: MultiIndex

    init(x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, inShape: [Int], perm: [Int]) {
        self.x = x
        self.y = y
        outShape = perm.map { inShape[$0] }
        let strides = Shapes.strides(inShape)
        srcStrides = perm.map { strides[$0] }
        // [0, 2, 3, ..., 1]: channels-first to channels-last.
        if perm.count >= 3, perm[0] == 0, perm.last == 1, Array(perm[1..<(perm.count - 1)]) == Array(2..<perm.count) {
            matrix = (inShape[0], inShape[1], inShape[2...].reduce(1, *))
        } else if perm == [1, 0] {
            matrix = (1, inShape[0], inShape[1])
        } else {
            matrix = nil
        }
        counter = MultiIndex(rank: perm.count)
    }

    func run() {
        if let m = matrix {
            let block = 16
            for b in 0..<m.batch {
                let src = x + b * m.rows * m.cols, dst = y + b * m.rows * m.cols
                var r0 = 0
                while r0 < m.rows {
                    let r1 = min(r0 + block, m.rows)
                    var c0 = 0
                    while c0 < m.cols {
                        let c1 = min(c0 + block, m.cols)
                        for r in r0..<r1 { for c in c0..<c1 { dst[c * m.rows + r] = src[r * m.cols + c] } }
                        c0 = c1
                    }
                    r0 = r1
                }
            }
            return
        }
        let total = outShape.reduce(1, *)
        let index = counter.reset()
        var offset = 0
        for i in 0..<total {
            y[i] = x[offset]
            var d = outShape.count - 1
            while d >= 0 {
                index[d] += 1
                offset += srcStrides[d]
                if index[d] < outShape[d] { break }
                offset -= srcStrides[d] * outShape[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}

/// Concat along an axis: each input contributes a contiguous block per outer index.
final class ConcatKernel: Kernel {
    let inputs: [(pointer: UnsafeMutablePointer<Float>, block: Int)]
    let y: UnsafeMutablePointer<Float>
    let outer: Int, outBlock: Int
    let constants: [OwnedBuffer]

    init(inputs: [(UnsafeMutablePointer<Float>, [Int])], axis: Int, y: UnsafeMutablePointer<Float>,
         constants: [OwnedBuffer]) {
        let shape0 = inputs[0].1
        outer = shape0[..<axis].reduce(1, *)
        self.inputs = inputs.map { ($0.0, $0.1[axis...].reduce(1, *)) }
        outBlock = self.inputs.reduce(0) { $0 + $1.block }
        self.y = y
        self.constants = constants
    }

    func run() {
        for o in 0..<outer {
            var dst = y + o * outBlock
            for input in inputs {
                dst.update(from: input.pointer + o * input.block, count: input.block)
                dst += input.block
            }
        }
    }
}

/// Slice with steps; the innermost dimension is copied as a run when its step is 1.
final class SliceKernel: Kernel {
    let x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
    let outShape: [Int], starts: [Int], steps: [Int], inStrides: [Int]
    let counter: MultiIndex

    init(x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, inShape: [Int], starts: [Int],
         steps: [Int], outShape: [Int]) {
        self.x = x
        self.y = y
        self.outShape = outShape
        self.starts = starts
        self.steps = steps
        inStrides = Shapes.strides(inShape)
        counter = MultiIndex(rank: outShape.count)
    }

    func run() {
        let total = outShape.reduce(1, *)
        if total == 0 { return }
        let index = counter.reset()
        for i in 0..<total {
            var offset = 0
            for d in 0..<outShape.count { offset += (starts[d] + index[d] * steps[d]) * inStrides[d] }
            y[i] = x[offset]
            var d = outShape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < outShape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
    }
}

/// Nearest-neighbour Resize of the last two dimensions with index maps computed at planning; an exact 2x
/// both ways (a feature pyramid's upsampling) through the C kernel of the session's instruction set.
final class ResizeNearestKernel: Kernel {
    let x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
    let planes: Int, inH: Int, inW: Int, outH: Int, outW: Int
    let rowMap: [Int], colMap: [Int]
    /// Whether every output pixel (i, j) reads input (i / 2, j / 2).
    let doubles: Bool
    /// Whether output column j reads input column j / 2 (rows mapped otherwise).
    let doublesColumns: Bool
    let isa: InstructionSet
    /// A tensor shaped as `y` added to the upsampled one (a fused Add; only when `doubles`).
    let addend: UnsafeMutablePointer<Float>?

    /// Whether output pixel (i, j) reads input (i / 2, j / 2) for maps of twice the input's size.
    static func doubles(inH: Int, inW: Int, rowMap: [Int], colMap: [Int]) -> Bool {
        rowMap.count == 2 * inH && colMap.count == 2 * inW && rowMap.enumerated().allSatisfy { $0.element == $0.offset / 2 }
            && colMap.enumerated().allSatisfy { $0.element == $0.offset / 2 }
    }

    init(x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, planes: Int, inH: Int, inW: Int,
         outH: Int, outW: Int, rowMap: [Int], colMap: [Int], isa: InstructionSet,
         addend: UnsafeMutablePointer<Float>? = nil) {
        doubles = Self.doubles(inH: inH, inW: inW, rowMap: rowMap, colMap: colMap)
        doublesColumns = outW == 2 * inW && colMap.enumerated().allSatisfy { $0.element == $0.offset / 2 }
        precondition(addend == nil || doubles, "an Add fused into a Resize that does not double")
        self.addend = addend
        // The widest vectors a row fills (rows of 10 and 20 in YuNet's pyramid are shorter than AVX-512's 16).
        self.isa = InstructionSet.allCases.last { $0.isSupported && $0.lanes <= max(inW, 4) && $0.lanes <= isa.lanes } ?? isa
        self.x = x
        self.y = y
        self.planes = planes
        self.inH = inH
        self.inW = inW
        self.outH = outH
        self.outW = outW
        self.rowMap = rowMap
        self.colMap = colMap
    }

    func run() {
        if doubles {
            for p in 0..<planes {
                fer_upsample2x(isa.code, x + p * inH * inW, inH, inW, addend.map { UnsafePointer($0 + p * outH * outW) },
                               y + p * outH * outW)
            }
            return
        }
        for p in 0..<planes {
            let src = x + p * inH * inW, dst = y + p * outH * outW
            for oy in 0..<outH {
                let srow = src + rowMap[oy] * inW
                let drow = dst + oy * outW
                if oy > 0 && rowMap[oy] == rowMap[oy - 1] {
                    drow.update(from: drow - outW, count: outW)
                } else if doublesColumns {
                    for ix in 0..<inW { let v = srow[ix]; drow[2 * ix] = v; drow[2 * ix + 1] = v }
                } else {
                    for ox in 0..<outW { drow[ox] = srow[colMap[ox]] }
                }
            }
        }
    }
}

/// Copies a tensor (used for graph outputs that alias another value).
final class CopyKernel: Kernel {
    let x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int
    init(x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int) {
        self.x = x
        self.y = y
        self.count = count
    }
    func run() { if x != y { y.update(from: x, count: count) } }
}

/// Writes known constant values into a slot (a graph output computed entirely at load time).
final class FillKernel: Kernel {
    let values: OwnedBuffer, y: UnsafeMutablePointer<Float>
    init(values: [Float], y: UnsafeMutablePointer<Float>) {
        self.values = OwnedBuffer(values)
        self.y = y
    }
    func run() { y.update(from: values.pointer, count: values.count) }
}
