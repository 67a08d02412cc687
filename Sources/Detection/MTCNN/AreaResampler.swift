/// Area resampling of an RGB region into normalised float planes, as PyTorch's `interpolate(mode: "area")`.
///
/// Output pixel (i, j) is the mean of source rows `[⌊i·h/oh⌋, ⌈(i+1)·h/oh⌉)` and columns
/// `[⌊j·w/ow⌋, ⌈(j+1)·w/ow⌉)` (adaptive average pooling; when enlarging, a pixel repeats).
/// Sums are exact integers; the mean is `sum / kh / kw` in Float, as PyTorch divides, then
/// `(mean - 127.5) · 0.0078125`, MTCNN's normalisation. Columns are summed first over the window's
/// rows (contiguous, vectorised), then along the reduced row.
struct AreaResampler {
    /// Column sums of one output row (region width × 3 channels).
    private var columnSums: [UInt32] = []
    /// Horizontal windows of the current output width.
    private var windows: [(start: Int, end: Int)] = []

    /// The half-open source window of output index `i` when `input` samples map to `output`.
    @inline(__always)
    static func window(_ i: Int, input: Int, output: Int) -> (start: Int, end: Int) {
        (i * input / output, ((i + 1) * input + output - 1) / output)
    }

    /// Resamples `region` (pixels, inside the image) of an RGB8 image with `imageWidth` columns to
    /// `outWidth`×`outHeight`, writing planes R, G, B of `outWidth·outHeight` floats at `destination`.
    mutating func resample(
        _ pixels: UnsafePointer<UInt8>, imageWidth: Int,
        region: (x: Int, y: Int, width: Int, height: Int),
        outWidth: Int, outHeight: Int, into destination: UnsafeMutablePointer<Float>
    ) {
        let rowCount = region.width * 3
        if columnSums.count < rowCount { columnSums = [UInt32](repeating: 0, count: rowCount) }
        windows.removeAll(keepingCapacity: true)
        for j in 0..<outWidth { windows.append(Self.window(j, input: region.width, output: outWidth)) }
        let plane = outWidth * outHeight
        let stride = imageWidth * 3
        columnSums.withUnsafeMutableBufferPointer { sumsBuffer in
            let sums = sumsBuffer.baseAddress!
            for i in 0..<outHeight {
                let (r0, r1) = Self.window(i, input: region.height, output: outHeight)
                let first = pixels + (region.y + r0) * stride + region.x * 3
                for k in 0..<rowCount { sums[k] = UInt32(first[k]) }
                var r = r0 + 1
                while r < r1 {
                    let row = pixels + (region.y + r) * stride + region.x * 3
                    for k in 0..<rowCount { sums[k] &+= UInt32(row[k]) }
                    r += 1
                }
                let kh = Float(r1 - r0)
                let out = destination + i * outWidth
                for j in 0..<outWidth {
                    let (c0, c1) = windows[j]
                    var sr: UInt32 = 0, sg: UInt32 = 0, sb: UInt32 = 0
                    for c in c0..<c1 {
                        sr &+= sums[3 * c]
                        sg &+= sums[3 * c + 1]
                        sb &+= sums[3 * c + 2]
                    }
                    let kw = Float(c1 - c0)
                    out[j] = (Float(sr) / kh / kw - 127.5) * 0.0078125
                    out[plane + j] = (Float(sg) / kh / kw - 127.5) * 0.0078125
                    out[2 * plane + j] = (Float(sb) / kh / kw - 127.5) * 0.0078125
                }
            }
        }
    }
}
