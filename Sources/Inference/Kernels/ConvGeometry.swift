/// Geometry of a 2-D convolution or pooling window over an NCHW tensor.
struct ConvGeometry {
    var batch: Int, channels: Int, height: Int, width: Int
    var outChannels: Int, outHeight: Int, outWidth: Int
    var kernelH: Int, kernelW: Int
    var strideH: Int, strideW: Int
    var dilationH: Int, dilationW: Int
    var padTop: Int, padLeft: Int, padBottom: Int, padRight: Int
    var group: Int

    var inPlane: Int { height * width }
    var outPlane: Int { outHeight * outWidth }
    /// Rows of the im2col matrix for one group.
    var patchSize: Int { (channels / group) * kernelH * kernelW }
    /// Multiply-accumulates of the whole convolution (every batch item).
    var macs: Int { batch * outChannels * outPlane * patchSize }
    var isPointwise: Bool {
        kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1
            && padTop == 0 && padLeft == 0 && padBottom == 0 && padRight == 0
    }
    var isDepthwise: Bool { group == channels && outChannels == channels && group > 1 }
}
