import CKernels
import Dispatch

/// Convolution (any kernel, stride, dilation, padding and group) as a `TileProduct` over shifted input rows,
/// bias and activation fused.
///
/// A stride-1 convolution without padding reads the input in place (a 1x1 one as a single run over the
/// whole plane). Otherwise each input channel is first copied, zero-padded, into scratch as `strideH ×
/// strideW` phase planes (rows and columns split by their remainder modulo the stride), so that every tap
/// of every output row reads a contiguous run.
final class ConvKernel: Kernel {
    let g: ConvGeometry
    let x: UnsafeMutablePointer<Float>
    let y: UnsafeMutablePointer<Float>
    let scratch: UnsafeMutablePointer<Float>
    /// One product per group.
    private(set) var products: [TileProduct]
    let isa: InstructionSet
    /// The instruction set of the phase split: the widest whose vector pairs fit an input row (a copy, so the
    /// choice changes no value; a classifier's rows of 6 to 24 left AVX-512's pairs of 32 all to scalar code).
    let splitISA: InstructionSet
    /// Threads that share each product's output channels (1 for small convolutions).
    let threads: Int
    let layout: Layout
    /// For short output rows: one run over all rows at the input's pitch into this buffer (the
    /// columns between rows are computed and dropped), instead of many runs too short to vectorise.
    let wide: OwnedBuffer?
    /// Whether the phase planes are split band by band as the rows run (`runBanded`).
    let banded: Bool
    /// A 1x1 convolution fused after this one, run on each band of rows (`y` is then unused).
    let follower: BandPointwise?
    /// A tensor shaped as `y` added before the activation: a residual Add fused by the planner (see
    /// `takesResidual(_:)`).
    let residual: UnsafeMutablePointer<Float>?

    /// Where the kernel reads its input: in place, or phase planes in scratch.
    struct Layout {
        var copies: Bool
        /// Floats between the rows of a (phase) plane, between phase planes and between channels.
        var pitch: Int, phaseStride: Int, channelStride: Int
        /// Rows per phase plane.
        var rows: Int
        /// One flag per phase (py * strideW + px), set where some tap reads it.
        var usedPhases: [UInt8]

        init(_ g: ConvGeometry) {
            let paddedH = g.height + g.padTop + g.padBottom, paddedW = g.width + g.padLeft + g.padRight
            let unpadded = g.padTop + g.padLeft + g.padBottom + g.padRight == 0
            copies = !(unpadded && g.strideH == 1 && g.strideW == 1)
            rows = copies ? (paddedH + g.strideH - 1) / g.strideH : g.height
            pitch = copies ? (paddedW + g.strideW - 1) / g.strideW : g.width
            phaseStride = rows * pitch
            channelStride = copies ? g.strideH * g.strideW * phaseStride : g.inPlane
            usedPhases = [UInt8](repeating: 0, count: g.strideH * g.strideW)
            for ky in 0..<g.kernelH {
                for kx in 0..<g.kernelW {
                    usedPhases[(ky * g.dilationH % g.strideH) * g.strideW + kx * g.dilationW % g.strideW] = 1
                }
            }
        }

        /// Offset of tap (ci, ky, kx) from the start of an output row's input.
        func offset(_ g: ConvGeometry, channel ci: Int, ky: Int, kx: Int) -> Int {
            let dy = ky * g.dilationH, dx = kx * g.dilationW
            let phase = copies ? (dy % g.strideH) * g.strideW + dx % g.strideW : 0
            return ci * channelStride + phase * phaseStride + (dy / g.strideH) * pitch + dx / g.strideW
        }
    }

    /// Scratch floats for the phase planes of one batch item.
    static func scratchSize(_ g: ConvGeometry) -> Int {
        let layout = Layout(g)
        return layout.copies ? g.channels * layout.channelStride : 0
    }

    init(geometry: ConvGeometry, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
         scratch: UnsafeMutablePointer<Float>, weights: [Float], bias: [Float], activation: Activation,
         options: KernelOptions, follower: BandPointwise? = nil, residual: UnsafeMutablePointer<Float>? = nil) {
        g = geometry
        self.follower = follower
        self.residual = residual
        precondition(residual == nil || (follower == nil && Self.takesResidual(geometry)),
                     "a residual Add fused into a convolution that cannot take it")
        self.x = x
        self.y = y
        self.scratch = scratch
        let layout = Layout(geometry)
        self.layout = layout
        isa = options.isa
        splitISA = InstructionSet.allCases.last {
            $0.isSupported && $0.lanes <= options.isa.lanes && 2 * $0.lanes <= geometry.width
        } ?? .baseline
        let cg = g.channels / g.group, mg = g.outChannels / g.group
        var offsets: [Int] = []
        for ci in 0..<cg {
            for ky in 0..<g.kernelH {
                for kx in 0..<g.kernelW { offsets.append(layout.offset(geometry, channel: ci, ky: ky, kx: kx)) }
            }
        }
        let epilogues = Epilogue.cChannels(g.outChannels, bias: bias, activation: activation)
        let short = Self.runsWide(geometry, layout)
        wide = short ? OwnedBuffer(zeros: mg * g.outHeight * layout.pitch) : nil
        // The columns one run of the product computes (see `run(_:)`).
        let columns = layout.pitch == g.outWidth ? g.outPlane
            : short ? (g.outHeight - 1) * layout.pitch + g.outWidth : g.outWidth
        let macs = g.macs
        let threads = Self.threads(geometry, options)
        self.threads = threads
        banded = Self.runsBanded(geometry, threads: threads)
        precondition(follower == nil || banded, "a 1x1 fused after a convolution that does not run band by band")
        // The channels orientation gathers exactly the output columns: where a padded plane's pitch is wider
        // than the output rows, each output pixel's column in the (phase) plane.
        let pitch = layout.pitch, ow = g.outWidth
        let columnMap: [Int]? = pitch == ow ? nil
            : (0..<g.outHeight).flatMap { oy in (0..<ow).map { oy * pitch + $0 } }
        func build(_ orientation: TileProduct.Orientation, packs: Bool, _ isa: InstructionSet) -> [TileProduct] {
            weights.withUnsafeBufferPointer { w in
                (0..<geometry.group).map { grp in
                    TileProduct(weights: w.baseAddress! + grp * mg * offsets.count, outputs: mg, offsets: offsets,
                                epilogues: Array(epilogues[grp * mg..<(grp + 1) * mg]), orientation: orientation,
                                packs: packs, isa: isa, threads: threads, columns: geometry.outPlane, columnMap: columnMap)
                }
            }
        }
        // Small planes with many output channels: vectors along the channels may win; large planes whose
        // size is a multiple of 4 KiB want the pack. Every candidate sums in the same order (the output is
        // the same to the bit), so the fastest here is kept.
        let manyChannels = mg >= Int(FER_CHANNEL_BLOCK)
        let tuned: [(TileProduct.Orientation, packs: Bool)]
        switch options.orientation {
        case .columns: tuned = [(.columns, false)]
        case .packedColumns: tuned = [(.columns, true)]
        case .channels: tuned = [manyChannels ? (.channels, false) : (.columns, false)]
        case .measured, .ruled:
            // Below 0.25 MMACs timing costs more than any choice saves: channels for planes narrower than
            // a few vectors (a 3x3 plane would leave pixel tiles empty and fall to scalar code), else
            // columns in place. `.ruled` applies the same rule to every layer.
            if macs < Self.tunedMACs || options.orientation == .ruled {
                tuned = [manyChannels && columns < 64 ? (.channels, false) : (.columns, false)]
            } else {
                tuned = [(.columns, false), (.columns, true)]
                    + (manyChannels && columns < Self.channelCandidateColumns ? [(.channels, false)] : [])
            }
        }
        let isas = options.orientation == .measured && macs >= Self.tunedMACs ? options.candidates : [options.isa]
        // Band by band, only the columns orientation runs (and the fused 1x1 is timed on its own after).
        let banding = follower == nil ? tuned : tuned.filter { $0.0 == .columns }
        let candidates = (banding.isEmpty ? [(.columns, packs: false)] : banding).flatMap { layout in
            isas.map { build(layout.0, packs: layout.packs, $0) }
        }
        products = candidates[0]
        products = candidates[Autotune.fastest(candidates.count) { run(candidates[$0], follows: false) }]
        follower?.tune()
    }

    /// Threads that share a convolution's work: sharing out a product costs a few microseconds, so only
    /// convolutions of `threadedMACs` or more are split.
    static func threads(_ g: ConvGeometry, _ options: KernelOptions) -> Int {
        g.macs >= threadedMACs ? options.threads : 1
    }

    /// Whether a residual Add can be fused into the epilogue: every output is written in place (not through
    /// the `wide` buffer), whatever the orientation.
    static func takesResidual(_ g: ConvGeometry) -> Bool {
        !g.isDepthwise && !runsWide(g, Layout(g))
    }

    /// Whether the output rows, narrower than `wideBelow` and apart from the input's pitch, run as one wide
    /// product over all rows (into `wide`).
    static func runsWide(_ g: ConvGeometry, _ layout: Layout) -> Bool {
        layout.pitch != g.outWidth && g.outWidth < wideBelow && g.outHeight > 1
    }

    /// Whether the convolution runs row by row with its phase planes split band by band (`runBanded`):
    /// padded or strided, one group, rows not run as one wide product, one thread.
    static func runsBanded(_ g: ConvGeometry, threads: Int) -> Bool {
        let layout = Layout(g)
        return layout.copies && g.group == 1 && layout.pitch != g.outWidth && !runsWide(g, layout) && threads == 1
    }

    /// Output rows narrower than this run as one product over all rows at the input's pitch (the columns
    /// between rows computed and dropped) rather than row by row: a row of 24 or 40 would leave the last
    /// tile of each row partly empty.
    static let wideBelow = 64

    /// Multiply-accumulates from which a convolution shares its work among the session's threads.
    static let threadedMACs = 1_000_000

    /// Multiply-accumulates from which a convolution times its variants at load time.
    static let tunedMACs = 250_000

    /// Runs narrower than this (in output columns) try vectors along the output channels at plan time.
    static let channelCandidateColumns = 256

    func run() { run(products) }

    /// With `follows` false a fused 1x1 does not run (while this convolution's own variants are timed).
    private func run(_ products: [TileProduct], follows: Bool = true) {
        let cg = g.channels / g.group, mg = g.outChannels / g.group
        let oh = g.outHeight, ow = g.outWidth, n = g.outPlane
        for b in 0..<g.batch {
            let input = x + b * g.channels * g.inPlane
            if banded && products[0].orientation == .columns {
                runBanded(products[0], input: input, out: y + b * g.outChannels * n,
                          residual: residual.map { UnsafePointer($0 + b * g.outChannels * n) }, item: b, follows: follows)
                continue
            }
            let base: UnsafeMutablePointer<Float>
            if layout.copies {
                for c in 0..<g.channels {
                    splitPhases(input + c * g.inPlane, scratch + c * layout.channelStride, rows: 0..<layout.rows)
                }
                base = scratch
            } else {
                base = input
            }
            for grp in 0..<g.group {
                let src = UnsafePointer(base + grp * cg * layout.channelStride)
                let out = y + (b * g.outChannels + grp * mg) * n
                let res = residual.map { UnsafePointer($0 + (b * g.outChannels + grp * mg) * n) }
                if products[grp].orientation == .channels {
                    // One run over the plane's output pixels, gathered (see `TileProduct`).
                    products[grp].run(src: src, n: n, out: out, outStride: n, threads: threads, residual: res)
                } else if layout.pitch == ow {
                    // Output rows are as contiguous as the input rows they read: one run over the plane.
                    products[grp].run(src: src, n: n, out: out, outStride: n, threads: threads, residual: res)
                } else if let wide {
                    let pitch = layout.pitch, plane = oh * pitch
                    products[grp].run(src: src, n: (oh - 1) * pitch + ow, out: wide.pointer, outStride: plane,
                                     threads: threads)
                    for m in 0..<mg {
                        fer_copy_rows(wide.pointer + m * plane, pitch, out + m * n, ow, oh, ow)
                    }
                } else if threads > 1 {
                    // Row by row: the threads share the rows rather than each row's channels.
                    let parts = min(threads, oh), pitch = layout.pitch
                    // The parts read the same input and write disjoint output rows; the run waits for all.
                    nonisolated(unsafe) let product = products[grp], src = src, out = out, res = res
                    SpinPool.shared.perform(parts) { part in
                        for oy in oh * part / parts..<oh * (part + 1) / parts {
                            product.run(src: src + oy * pitch, n: ow, out: out + oy * ow, outStride: n,
                                        outputs: 0..<mg, part: part, residual: res.map { $0 + oy * ow })
                        }
                    }
                } else {
                    for oy in 0..<oh {
                        products[grp].run(src: src + oy * layout.pitch, n: ow, out: out + oy * ow, outStride: n,
                                          residual: res.map { $0 + oy * ow })
                    }
                }
            }
        }
    }

    /// Row by row with the phase planes split band by band just ahead of the rows that read them, so that
    /// they are still in cache (YuNet's stem at 640x480 splits 3.7 MB of input: written whole and read
    /// back, it waited on memory). One group, one thread, rows not run as one wide product.
    ///
    /// With a fused 1x1 (`follower`), the rows go to its band buffer instead, and it runs on each band.
    private func runBanded(_ product: TileProduct, input: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>,
                           residual: UnsafePointer<Float>?, item: Int, follows: Bool) {
        let pitch = layout.pitch, oh = g.outHeight, ow = g.outWidth
        // Phase rows past an output row's own that its taps read.
        let reach = (g.kernelH - 1) * g.dilationH / g.strideH
        var split = 0
        for oy in 0..<oh {
            if oy + reach >= split {
                let end = min(layout.rows, max(oy + reach + 1, split + Self.bandRows))
                for c in 0..<g.channels {
                    splitPhases(input + c * g.inPlane, scratch + c * layout.channelStride, rows: split..<end)
                }
                split = end
            }
            let src = UnsafePointer(scratch + oy * pitch)
            guard let follower else {
                product.run(src: src, n: ow, out: out + oy * ow, outStride: g.outPlane, residual: residual.map { $0 + oy * ow })
                continue
            }
            let row = oy % follower.rows
            product.run(src: src, n: ow, out: follower.band.pointer + row * ow, outStride: follower.channelStride)
            if follows && (row == follower.rows - 1 || oy == oh - 1) {
                follower.run(rows: oy - row..<oy + 1, item: item)
            }
        }
    }

    /// Phase rows split per band of `runBanded`.
    static let bandRows = 8

    /// Copies phase rows `rows` of one channel into its zero-padded phase planes (in C: a strided copy is a
    /// shuffle per vector there, and this runs before every padded or strided convolution).
    private func splitPhases(_ plane: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        layout.usedPhases.withUnsafeBufferPointer { used in
            var ph = fer_phases(plane: plane, height: g.height, width: g.width, pad_top: Int32(g.padTop),
                                pad_left: Int32(g.padLeft), stride_h: Int32(g.strideH), stride_w: Int32(g.strideW),
                                rows: layout.rows, pitch: layout.pitch, phase_stride: layout.phaseStride,
                                first_row: rows.lowerBound, end_row: rows.upperBound, used: used.baseAddress, dst: dst)
            fer_split_phases(splitISA.code, &ph)
        }
    }
}
