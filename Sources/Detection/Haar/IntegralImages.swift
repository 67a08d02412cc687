/// The sum and squared-sum integral images of one pyramid level, as OpenCV's `integral(img, sum, sqsum)`
/// with 32-bit results: `(h+1)` rows of `stride` entries, row 0 and column 0 zero. Sums wrap modulo 2³²
/// on very large images, like OpenCV's; window sums (differences of four entries) stay exact.
/// The buffers grow as needed and are reused from level to level and frame to frame.
struct IntegralImages {
    private(set) var sum: [Int32] = []
    private(set) var squares: [UInt32] = []
    /// Entries per row (at least the level's width + 1; fixed for a whole frame so feature offsets stay valid).
    private(set) var stride = 0

    /// Computes both integrals of the `width`×`height` plane `src` with rows `stride` entries apart.
    mutating func compute(_ src: UnsafePointer<UInt8>, width: Int, height: Int, stride: Int) {
        precondition(stride >= width + 1)
        self.stride = stride
        let count = (height + 1) * stride
        if sum.count < count {
            sum = [Int32](repeating: 0, count: count)
            squares = [UInt32](repeating: 0, count: count)
        }
        sum.withUnsafeMutableBufferPointer { s in
            squares.withUnsafeMutableBufferPointer { q in
                let s = s.baseAddress!, q = q.baseAddress!
                for x in 0...width { s[x] = 0; q[x] = 0 }
                for y in 0..<height {
                    let row = src + y * width
                    let above = s + y * stride, here = s + (y + 1) * stride
                    let aboveQ = q + y * stride, hereQ = q + (y + 1) * stride
                    here[0] = 0; hereQ[0] = 0
                    var run: Int32 = 0, runQ: UInt32 = 0
                    for x in 0..<width {
                        let v = UInt32(row[x])
                        run &+= Int32(bitPattern: v)
                        runQ &+= v &* v
                        here[x &+ 1] = above[x &+ 1] &+ run
                        hereQ[x &+ 1] = aboveQ[x &+ 1] &+ runQ
                    }
                }
            }
        }
    }

    /// Read access to both buffers.
    func withBuffers<R>(_ body: (UnsafePointer<Int32>, UnsafePointer<UInt32>) throws -> R) rethrows -> R {
        try sum.withUnsafeBufferPointer { s in
            try squares.withUnsafeBufferPointer { q in try body(s.baseAddress!, q.baseAddress!) }
        }
    }
}
