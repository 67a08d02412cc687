import CKernels
import Dispatch

/// The product at the heart of the 1x1 and direct convolutions, over NCHW planes:
/// `out[m][j] = epilogue[m](Σ_t w[m][t] · src[offset[t] + j])` for `j` in `0..<n`.
///
/// A tap `t` is an input channel (1x1) or an (input channel, ky, kx) triple (direct convolution), and
/// `offset[t]` where its row starts. The loops are C (`CKernels`), one variant per instruction set.
/// Planes of many pixels put vectors along the columns (tiles of 8 output channels × 48 columns with
/// AVX-512, 4 × 24 with AVX2); small planes with many channels put them along the output channels
/// (16 channels × 8 columns), so that a 6x6 or 3x3 plane does not leave most lanes empty. Both sum the
/// taps in the same order, so the choice does not change a single bit of the result.
struct TileProduct {
    /// Where the vectors lie.
    enum Orientation: Equatable {
        case columns, channels
    }

    let outputs: Int
    let taps: Int
    let orientation: Orientation
    let instructionSet: InstructionSet
    /// Weights packed for the orientation: [ceil(outputs / block)][taps][block].
    private let packed: OwnedBuffer
    private let offsets: [Int]
    private let epilogues: [fer_epilogue]
    /// The columns orientation's scratch (each chunk of input copied contiguously), per thread, or none;
    /// the channels orientation's gathered input ([taps][columns]).
    private let pack: OwnedBuffer
    private let packFloats: Int
    /// Channels orientation: the input column (from a tap row's start) of each output column, when the
    /// output columns are not the input's (a padded plane's pitch is wider than its output rows).
    private let columnMap: [Int]?

    /// `weights` is row-major [outputs][taps]; `offsets` has one entry per tap. With `packs`, the columns
    /// orientation copies each chunk of input into one contiguous block first: rows whose distance is a
    /// multiple of 4 KiB (a 1x1 convolution over 160x128) otherwise fight over the same L1 sets; elsewhere
    /// the copy is only a cost. Which wins is measured (`ConvKernel`).
    ///
    /// The channels orientation first gathers the `columns` output columns of every tap row into one
    /// block (input column `columnMap[j]`, or `j`), so its tiles broadcast from one contiguous run.
    init(weights: UnsafePointer<Float>, outputs: Int, offsets: [Int], epilogues: [fer_epilogue],
         orientation: Orientation, packs: Bool, isa: InstructionSet, threads: Int = 1,
         columns: Int = 0, columnMap: [Int]? = nil) {
        let taps = offsets.count
        let block = Int(orientation == .columns ? FER_COLUMN_BLOCK : FER_CHANNEL_BLOCK)
        let blocks = (outputs + block - 1) / block
        packed = OwnedBuffer(zeros: blocks * taps * block)
        for o in 0..<outputs {
            for t in 0..<taps {
                packed.pointer[((o / block) * taps + t) * block + o % block] = weights[o * taps + t]
            }
        }
        self.outputs = outputs
        self.taps = taps
        self.orientation = orientation
        self.instructionSet = isa
        self.offsets = offsets
        self.epilogues = epilogues
        self.columnMap = columnMap
        switch orientation {
        case .columns:
            packFloats = packs ? fer_product_pack_floats(Int32(taps)) : 0
            pack = OwnedBuffer(zeros: packFloats * max(threads, 1))
        case .channels:
            packFloats = 0
            pack = OwnedBuffer(zeros: taps * columns)
        }
    }

    /// Computes `n` columns: input row `t` at `src + offsets[t]`, output row `m` at `out + m * outStride`
    /// (which must not overlap the input). With `threads` > 1, blocks of output channels are shared out.
    /// For the channels orientation, `n` is the `columns` given at init. A `residual` laid out as `out` is
    /// added before the activation (a fused residual Add).
    func run(src: UnsafePointer<Float>, n: Int, out: UnsafeMutablePointer<Float>, outStride: Int, threads: Int = 1,
             residual: UnsafePointer<Float>? = nil) {
        let block = Int(orientation == .columns ? FER_COLUMN_BLOCK : FER_CHANNEL_BLOCK)
        let blocks = (outputs + block - 1) / block
        if orientation == .channels {
            precondition(n * taps <= pack.count, "channels product run on more columns than it was built for")
            offsets.withUnsafeBufferPointer { off in
                var p = fer_product(src: src, offsets: off.baseAddress, taps: Int32(taps), outputs: Int32(self.outputs),
                                    n: n, out: out, out_stride: outStride, epilogues: nil, pack: pack.pointer,
                                    residual: nil)
                if let columnMap {
                    columnMap.withUnsafeBufferPointer { fer_product_channels_gather(&p, $0.baseAddress) }
                } else {
                    fer_product_channels_gather(&p, nil)
                }
            }
        }
        // Columns with a pack: one scratch per part.
        let parts = min(threads, blocks, packFloats > 0 ? pack.count / packFloats : threads)
        guard parts > 1 else {
            run(src: src, n: n, out: out, outStride: outStride, outputs: 0..<outputs, part: 0, residual: residual)
            return
        }
        // The parts read the same input and write disjoint output channels; the run waits for all.
        nonisolated(unsafe) let product = self, src = src, out = out, residual = residual
        let outputs = outputs
        SpinPool.shared.perform(parts) { part in
            let first = blocks * part / parts * block, end = min(outputs, blocks * (part + 1) / parts * block)
            product.run(src: src, n: n, out: out, outStride: outStride, outputs: first..<end, part: part,
                        residual: residual)
        }
    }

    /// The output channels `outputs` (starting at a block boundary) of `run`, with thread `part`'s scratch.
    func run(src: UnsafePointer<Float>, n: Int, out: UnsafeMutablePointer<Float>, outStride: Int,
             outputs range: Range<Int>, part: Int, residual: UnsafePointer<Float>? = nil) {
        offsets.withUnsafeBufferPointer { off in
            epilogues.withUnsafeBufferPointer { ep in
                let scratch: UnsafeMutablePointer<Float>? = switch orientation {
                case .columns: packFloats > 0 ? pack.pointer + part * packFloats : nil
                case .channels: pack.pointer
                }
                var p = fer_product(src: src, offsets: off.baseAddress, taps: Int32(taps), outputs: Int32(range.count),
                                    n: n, out: out + range.lowerBound * outStride, out_stride: outStride,
                                    epilogues: ep.baseAddress! + range.lowerBound, pack: scratch,
                                    residual: residual.map { $0 + range.lowerBound * outStride })
                let weights = packed.pointer + range.lowerBound * taps
                switch orientation {
                case .columns: fer_product_columns(instructionSet.code, &p, weights)
                case .channels: fer_product_channels(instructionSet.code, &p, weights)
                }
            }
        }
    }
}
