#!/usr/bin/env python3
"""Build the backbones of popular emotion models as ONNX files with random weights, for speed tests.

Usage: backbones.py OUT_DIR  -> OUT_DIR/resnet50.onnx, OUT_DIR/mobilenet_v2.onnx (input 1x3x224x224)

The graphs follow torchvision's resnet50 (v1.5: the stride on the 3x3 convolution of each bottleneck)
and mobilenet_v2 (inverted residuals, ReLU6 as Clip(0, 6)) as they export for inference: each
BatchNorm already folded into its convolution's weights and bias. Weights are He-initialised from a
fixed seed, so activations keep a sane range; nothing is downloaded. ResNet50 is 4.1 GMACs, about
100 MB; MobileNetV2 0.3 GMACs.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Graph:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, prefix):
        self.count += 1
        return f"{prefix}_{self.count}"

    def conv(self, x, cin, cout, k, stride=1, group=1, act="relu"):
        w = self.name("w")
        b = self.name("b")
        fan_in = cin // group * k * k
        self.inits.append(numpy_helper.from_array(
            (self.rng.standard_normal((cout, cin // group, k, k)) * np.sqrt(2.0 / fan_in)).astype(np.float32), w))
        self.inits.append(numpy_helper.from_array((self.rng.standard_normal(cout) * 0.01).astype(np.float32), b))
        y = self.name("conv")
        pad = k // 2
        self.nodes.append(helper.make_node("Conv", [x, w, b], [y], kernel_shape=[k, k], strides=[stride, stride],
                                           pads=[pad] * 4, group=group))
        if act == "relu":
            return self.op("Relu", [y])
        if act == "relu6":
            lo, hi = self.name("lo"), self.name("hi")
            self.inits += [numpy_helper.from_array(np.array(0, np.float32), lo),
                           numpy_helper.from_array(np.array(6, np.float32), hi)]
            return self.op("Clip", [y, lo, hi])
        return y

    def op(self, op_type, inputs, **attrs):
        y = self.name(op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [y], **attrs))
        return y

    def head(self, x, channels, classes=1000):
        x = self.op("GlobalAveragePool", [x])
        x = self.op("Flatten", [x], axis=1)
        w, b = self.name("fc_w"), self.name("fc_b")
        self.inits += [
            numpy_helper.from_array((self.rng.standard_normal((classes, channels)) / np.sqrt(channels)).astype(np.float32), w),
            numpy_helper.from_array(np.zeros(classes, np.float32), b)]
        y = "logits"
        self.nodes.append(helper.make_node("Gemm", [x, w, b], [y], transB=1))
        return y

    def model(self, graph_name):
        graph = helper.make_graph(
            self.nodes, graph_name,
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 224, 224])],
            [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 1000])], self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model


def resnet50():
    g = Graph(seed=50)
    x = g.conv("input", 3, 64, 7, stride=2)
    x = g.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 64
    for stage, (blocks, width) in enumerate([(3, 64), (4, 128), (6, 256), (3, 512)]):
        for i in range(blocks):
            stride = 2 if i == 0 and stage > 0 else 1
            y = g.conv(x, cin, width, 1)
            y = g.conv(y, width, width, 3, stride=stride)
            y = g.conv(y, width, width * 4, 1, act=None)
            shortcut = g.conv(x, cin, width * 4, 1, stride=stride, act=None) if i == 0 else x
            x = g.op("Relu", [g.op("Add", [y, shortcut])])
            cin = width * 4
    g.head(x, cin)
    return g.model("resnet50")


def mobilenet_v2():
    g = Graph(seed=2)
    x = g.conv("input", 3, 32, 3, stride=2, act="relu6")
    cin = 32
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                       (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            stride = s if i == 0 else 1
            hidden = cin * t
            y = g.conv(x, cin, hidden, 1, act="relu6") if t != 1 else x
            y = g.conv(y, hidden, hidden, 3, stride=stride, group=hidden, act="relu6")
            y = g.conv(y, hidden, c, 1, act=None)
            x = g.op("Add", [x, y]) if stride == 1 and cin == c else y
            cin = c
    x = g.conv(x, cin, 1280, 1, act="relu6")
    g.head(x, 1280)
    return g.model("mobilenet_v2")


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__.strip().splitlines()[2])
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    for name, build in [("resnet50", resnet50), ("mobilenet_v2", mobilenet_v2)]:
        path = os.path.join(out, name + ".onnx")
        if not os.path.exists(path):
            onnx.save(build(), path)
        print(path)


if __name__ == "__main__":
    main(sys.argv)
