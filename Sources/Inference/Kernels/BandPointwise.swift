import CKernels

/// A 1x1 convolution fused after a convolution whose rows run band by band (`ConvKernel.runBanded`): the
/// first writes each band of its output rows, all channels, into a small buffer, and this reads it back
/// while it is still in cache (YuNet's stem at 640x480 otherwise wrote 4.9 MB and read it back).
final class BandPointwise {
    /// Output rows per band.
    let rows: Int
    let inChannels: Int, outChannels: Int
    let width: Int, height: Int
    /// Floats between the band buffer's channels (rows x width, padded off a multiple of 4 KiB).
    let channelStride: Int
    /// The first convolution's output for one band: `inChannels` planes of `rows` x `width`.
    let band: OwnedBuffer
    /// The fused 1x1's output: `outChannels` planes of `height` x `width` per batch item.
    let y: UnsafeMutablePointer<Float>
    /// The product that runs: the fastest of `candidates` once `tune()` ran.
    private(set) var product: TileProduct
    private let candidates: [TileProduct]

    /// Bytes of first-convolution output per band: it stays in L2 with the phase rows and the 1x1's output
    /// (YuNet's stem at 640x480 took the same time with bands of 1 to 16 rows, 20 to 320 KiB).
    static let bandBytes = 80 * 1024

    init(inChannels: Int, outChannels: Int, height: Int, width: Int, weights: [Float], bias: [Float],
         activation: Activation, y: UnsafeMutablePointer<Float>, options: KernelOptions) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.width = width
        self.height = height
        self.y = y
        rows = max(1, min(height, Self.bandBytes / (4 * inChannels * width)))
        var stride = (rows * width + 15) / 16 * 16
        if stride % 1024 == 0 { stride += 16 }
        channelStride = stride
        band = OwnedBuffer(zeros: inChannels * stride)
        let offsets = (0..<inChannels).map { $0 * stride }
        let epilogues = Epilogue.cChannels(outChannels, bias: bias, activation: activation)
        // Timed like a 1x1 of its own (`ConvKernel`): from `tunedMACs`, in place and packed, each candidate ISA.
        let measured = options.orientation == .measured && inChannels * outChannels * height * width >= ConvKernel.tunedMACs
        let isas = measured ? options.candidates : [options.isa]
        let packs: [Bool] = options.orientation == .packedColumns ? [true] : measured ? [false, true] : [false]
        candidates = weights.withUnsafeBufferPointer { w in
            packs.flatMap { pack in
                isas.map { isa in
                    TileProduct(weights: w.baseAddress!, outputs: outChannels, offsets: offsets, epilogues: epilogues,
                                orientation: .columns, packs: pack, isa: isa)
                }
            }
        }
        product = candidates[0]
    }

    /// Runs the 1x1 on the band holding output rows `rows` of batch item `item`.
    func run(rows: Range<Int>, item: Int) {
        run(product, rows: rows, item: item)
    }

    private func run(_ product: TileProduct, rows: Range<Int>, item: Int) {
        let plane = height * width
        product.run(src: UnsafePointer(band.pointer), n: rows.count * width,
                    out: y + item * outChannels * plane + rows.lowerBound * width, outStride: plane)
    }

    /// Keeps the fastest candidate, timed over every band of one batch item (on whatever the band holds:
    /// time does not depend on values, and every candidate gives the same bits).
    func tune() {
        let candidates = candidates, rows = rows, height = height
        product = candidates[Autotune.fastest(candidates.count) { index in
            for first in stride(from: 0, to: height, by: rows) {
                run(candidates[index], rows: first..<min(height, first + rows), item: 0)
            }
        }]
    }
}
