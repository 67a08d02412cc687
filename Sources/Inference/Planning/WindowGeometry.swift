/// Planning of 2-D windows shared by convolution and pooling.
extension GraphPlanner {
    /// Output size and padding of a 2-D window (Conv or pooling), following ONNX's auto_pad and ceil_mode rules.
    func windowGeometry(_ node: Node, _ x: [Int], kernel: (Int, Int), outChannels: Int, group: Int) throws
        -> ConvGeometry
    {
        let strides = node.ints("strides") ?? [1, 1]
        let dilations = node.ints("dilations") ?? [1, 1]
        var pads = node.ints("pads") ?? [0, 0, 0, 0]
        guard strides.count == 2, dilations.count == 2, pads.count == 4,
              strides.allSatisfy({ $0 >= 1 }), dilations.allSatisfy({ $0 >= 1 }), pads.allSatisfy({ $0 >= 0 })
        else { throw fail(node, "strides \(strides), dilations \(dilations), pads \(pads) are not valid for 2-D") }
        let ceilMode = node.int("ceil_mode", default: 0) != 0
        let autoPad = node.string("auto_pad", default: "NOTSET")
        let (h, w) = (x[2], x[3])
        let effective = [(kernel.0 - 1) * dilations[0] + 1, (kernel.1 - 1) * dilations[1] + 1]
        var out = [0, 0]
        for (i, size) in [h, w].enumerated() {
            switch autoPad {
            case "SAME_UPPER", "SAME_LOWER":
                out[i] = (size + strides[i] - 1) / strides[i]
                let total = max((out[i] - 1) * strides[i] + effective[i] - size, 0)
                let small = total / 2
                pads[i] = autoPad == "SAME_UPPER" ? small : total - small
                pads[i + 2] = total - pads[i]
            case "VALID":
                pads[i] = 0
                pads[i + 2] = 0
                out[i] = (size - effective[i]) / strides[i] + 1
            case "NOTSET":
                let span = size + pads[i] + pads[i + 2] - effective[i]
                out[i] = ceilMode ? (span + strides[i] - 1) / strides[i] + 1 : span / strides[i] + 1
                // In ceil mode the last window must start inside the input or the left padding.
                if ceilMode && (out[i] - 1) * strides[i] >= size + pads[i] { out[i] -= 1 }
            default:
                throw fail(node, "auto_pad '\(autoPad)' is not valid")
            }
        }
        guard out[0] >= 1, out[1] >= 1, size2Valid(h, w) else {
            throw fail(node, "a \(kernel.0)x\(kernel.1) window does not fit a \(h)x\(w) input")
        }
        // Extra bottom/right padding that ceil mode implies for the last window.
        let bottom = max(pads[2], (out[0] - 1) * strides[0] + effective[0] - h - pads[0])
        let right = max(pads[3], (out[1] - 1) * strides[1] + effective[1] - w - pads[1])
        return ConvGeometry(
            batch: x[0], channels: x[1], height: h, width: w,
            outChannels: outChannels, outHeight: out[0], outWidth: out[1],
            kernelH: kernel.0, kernelW: kernel.1, strideH: strides[0], strideW: strides[1],
            dilationH: dilations[0], dilationW: dilations[1],
            padTop: pads[0], padLeft: pads[1], padBottom: bottom, padRight: right, group: group)
    }

    private func size2Valid(_ h: Int, _ w: Int) -> Bool { h >= 1 && w >= 1 }
}
