#!/usr/bin/env python3
"""Cross-check a converted ONNX classifier against an independent NHWC numpy forward pass.

Usage: check_conversion.py MODEL.hdf5 MODEL.onnx [--samples N] [--seed S]

The reference runs the Keras graph straight from the HDF5 in channels-last layout with
unfolded BatchNormalization and TensorFlow 'same' padding (zero for convolutions, -inf for
max pooling), so it shares no code with convert_mini_xception.py. It feeds the same random
inputs in [-1, 1] to both and fails (exit 1) if the outputs differ by more than 1e-4.
"""
import argparse
import json
import math
import sys

import h5py
import numpy as np
import onnxruntime as ort


def same_pads(size, k, s):
    total = max((math.ceil(size / s) - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def pad_hw(x, kernel, strides, padding, value):
    if padding == "valid":
        return x
    pt, pb = same_pads(x.shape[1], kernel[0], strides[0])
    pl, pr = same_pads(x.shape[2], kernel[1], strides[1])
    return np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)), constant_values=value)


def windows(x, kernel, strides):
    """(N, H, W, C) -> (N, OH, OW, kh, kw, C) view of sliding windows."""
    kh, kw = kernel
    sh, sw = strides
    n, h, w, c = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    st = x.strides
    return np.lib.stride_tricks.as_strided(
        x, (n, oh, ow, kh, kw, c), (st[0], st[1] * sh, st[2] * sw, st[1], st[2], st[3]))


def conv(x, k, strides, padding):  # k: (kh, kw, in, out)
    xp = pad_hw(x, k.shape[:2], strides, padding, 0.0)
    return np.einsum("nhwijc,ijco->nhwo", windows(xp, k.shape[:2], strides), k)


def depthwise(x, k, strides, padding):  # k: (kh, kw, C, M)
    xp = pad_hw(x, k.shape[:2], strides, padding, 0.0)
    y = np.einsum("nhwijc,ijcm->nhwcm", windows(xp, k.shape[:2], strides), k)
    return y.reshape(y.shape[0], y.shape[1], y.shape[2], -1)


def reference(hdf5, x_nhwc):
    f = h5py.File(hdf5, "r")
    cfg = json.loads(f.attrs["model_config"])["config"]
    mw = f["model_weights"]
    vals = {}
    for layer in cfg["layers"]:
        name, cls, c = layer["name"], layer["class_name"], layer["config"]
        g = mw[name] if name in mw else None
        w = {}
        if g is not None:
            for full in g.attrs.get("weight_names", []):
                full = full.decode() if isinstance(full, bytes) else full
                w[full.split("/")[-1].split(":")[0]] = np.array(g[full], dtype=np.float64)
        ins = [vals[e[0]] for e in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
        if cls == "InputLayer":
            y = x_nhwc
        elif cls == "Conv2D":
            y = conv(ins[0], w["kernel"], c["strides"], c["padding"])
            if c.get("use_bias", True):
                y = y + w["bias"]
        elif cls == "SeparableConv2D":
            y = depthwise(ins[0], w["depthwise_kernel"], c["strides"], c["padding"])
            y = conv(y, w["pointwise_kernel"], [1, 1], "valid")
            if c.get("use_bias", True):
                y = y + w["bias"]
        elif cls == "BatchNormalization":
            y = (ins[0] - w["moving_mean"]) / np.sqrt(w["moving_variance"] + c.get("epsilon", 1e-3))
            y = y * w.get("gamma", 1.0) + w.get("beta", 0.0)
        elif cls == "Activation" and c["activation"] == "relu":
            y = np.maximum(ins[0], 0)
        elif cls == "Activation" and c["activation"] == "softmax":
            z = np.exp(ins[0] - ins[0].max(axis=-1, keepdims=True))
            y = z / z.sum(axis=-1, keepdims=True)
        elif cls == "MaxPooling2D":
            strides = c.get("strides") or c["pool_size"]
            xp = pad_hw(ins[0], c["pool_size"], strides, c["padding"], -np.inf)
            y = windows(xp, c["pool_size"], strides).max(axis=(3, 4))
        elif cls == "Add":
            y = sum(ins)
        elif cls == "GlobalAveragePooling2D":
            y = ins[0].mean(axis=(1, 2))
        else:
            raise SystemExit(f"check_conversion: layer {name}: {cls} not in the reference")
        if cls in ("Conv2D", "SeparableConv2D") and c.get("activation", "linear") == "relu":
            y = np.maximum(y, 0)
        vals[name] = y
    return vals[cfg["output_layers"][0][0]]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("hdf5")
    ap.add_argument("onnx")
    ap.add_argument("--samples", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    sess = ort.InferenceSession(args.onnx, providers=["CPUExecutionProvider"])
    inp = sess.get_inputs()[0]
    _, c, h, w = inp.shape
    rng = np.random.default_rng(args.seed)
    x = rng.uniform(-1, 1, size=(args.samples, c, h, w)).astype(np.float32)
    got = sess.run(None, {inp.name: x})[0]
    want = reference(args.hdf5, x.transpose(0, 2, 3, 1).astype(np.float64))
    diff = float(np.abs(got - want).max())
    agree = float((got.argmax(1) == want.argmax(1)).mean())
    print(f"max |onnx - reference| = {diff:.3g} over {args.samples} inputs, argmax agreement {agree:.3f}")
    return 0 if diff <= 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
