#!/usr/bin/env python3
"""Convert facenet-pytorch's MTCNN weights (P-Net, R-Net, O-Net) to three ONNX files.

Usage: convert_mtcnn.py WEIGHTS_DIR OUT_DIR [--manifest OUT.json] [--no-check]

WEIGHTS_DIR holds pnet/rnet/onet as `.npz` (numpy, no torch needed) or `.pt` (facenet-pytorch
2.6.0's state dicts, read with torch). The graphs are written by hand with the `onnx` helper API,
layer for layer as facenet_pytorch/models/mtcnn.py defines them:

  Conv -> PRelu (per channel) -> MaxPool (ceil_mode=1) ... -> [R/O-Net: Transpose(0,3,2,1) ->
  Flatten -> Gemm -> PRelu] -> heads (Softmax over the 2 classes; box regression; O-Net landmarks)

The dense layers of R-Net and O-Net were trained (in Caffe, then TF) on features flattened in
(W, H, C) order: the graph transposes NCHW to NWHC before flattening, as the PyTorch module does.
Inputs are RGB normalised as (x - 127.5) * 0.0078125 by the caller (not inside the graph).

  mtcnn_pnet.onnx  input [1,3,H,W] (H, W symbolic, >= 12)  -> reg [1,4,h,w], prob [1,2,h,w]
  mtcnn_rnet.onnx  input [N,3,24,24]                         -> reg [N,4], prob [N,2]
  mtcnn_onet.onnx  input [N,3,48,48]                         -> reg [N,4], landmarks [N,10], prob [N,2]

After writing, each file is checked (unless --no-check): ONNX Runtime's output must equal an
independent float64 numpy forward pass of the original weights within 1e-5 on random inputs
(P-Net at several sizes, including odd ones where ceil-mode pooling matters). With torch
importable, facenet-pytorch's own module definitions (re-declared below, identical layers) are
run too. Exit status 1 on any mismatch. The output is deterministic (same bytes every run).
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
NETS = ("pnet", "rnet", "onet")
TOLERANCE = 1e-5


# ---------------------------------------------------------------------------------------------
# Weights


def load_weights(directory, net):
    npz = os.path.join(directory, f"{net}.npz")
    pt = os.path.join(directory, f"{net}.pt")
    if os.path.exists(npz):
        with np.load(npz) as z:
            return {k: np.asarray(z[k], dtype=np.float32) for k in z.files}
    if os.path.exists(pt):
        import torch

        state = torch.load(pt, map_location="cpu", weights_only=True)
        return {k: v.detach().cpu().numpy().astype(np.float32) for k, v in state.items()}
    raise SystemExit(f"error: neither {npz} nor {pt} exists")


# Layer lists as in facenet_pytorch/models/mtcnn.py: (kind, name, options)
ARCH = {
    "pnet": [
        ("conv", "conv1"), ("prelu", "prelu1"), ("pool", (2, 2)),
        ("conv", "conv2"), ("prelu", "prelu2"),
        ("conv", "conv3"), ("prelu", "prelu3"),
    ],
    "rnet": [
        ("conv", "conv1"), ("prelu", "prelu1"), ("pool", (3, 2)),
        ("conv", "conv2"), ("prelu", "prelu2"), ("pool", (3, 2)),
        ("conv", "conv3"), ("prelu", "prelu3"),
        ("flatten_whc", None),
        ("dense", "dense4"), ("prelu", "prelu4"),
    ],
    "onet": [
        ("conv", "conv1"), ("prelu", "prelu1"), ("pool", (3, 2)),
        ("conv", "conv2"), ("prelu", "prelu2"), ("pool", (3, 2)),
        ("conv", "conv3"), ("prelu", "prelu3"), ("pool", (2, 2)),
        ("conv", "conv4"), ("prelu", "prelu4"),
        ("flatten_whc", None),
        ("dense", "dense5"), ("prelu", "prelu5"),
    ],
}
# Heads: output name -> (layer, softmax?)
HEADS = {
    "pnet": [("reg", "conv4_2", False), ("prob", "conv4_1", True)],
    "rnet": [("reg", "dense5_2", False), ("prob", "dense5_1", True)],
    "onet": [("reg", "dense6_2", False), ("landmarks", "dense6_3", False), ("prob", "dense6_1", True)],
}
INPUT_SIZE = {"pnet": None, "rnet": 24, "onet": 48}


# ---------------------------------------------------------------------------------------------
# ONNX graph


def build(net, w):
    nodes, inits = [], []
    used = set()

    def init(name, array):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), name))

    def take(key):
        if key not in w:
            raise SystemExit(f"error: {net}: weight '{key}' is missing")
        used.add(key)
        return w[key]

    x = "input"
    rank4 = True
    for i, (kind, arg) in enumerate(ARCH[net]):
        out = f"{arg if isinstance(arg, str) else kind + str(i)}_out"
        if kind == "conv":
            weight, bias = take(f"{arg}.weight"), take(f"{arg}.bias")
            init(f"{arg}.weight", weight)
            init(f"{arg}.bias", bias)
            k = weight.shape[2:]
            nodes.append(helper.make_node("Conv", [x, f"{arg}.weight", f"{arg}.bias"], [out], name=arg,
                                          kernel_shape=list(k), strides=[1, 1], pads=[0, 0, 0, 0]))
        elif kind == "prelu":
            slope = take(f"{arg}.weight")
            init(f"{arg}.weight", slope.reshape(-1, 1, 1) if rank4 else slope)
            nodes.append(helper.make_node("PRelu", [x, f"{arg}.weight"], [out], name=arg))
        elif kind == "pool":
            k, s = arg
            out = f"pool{i}_out"
            nodes.append(helper.make_node("MaxPool", [x], [out], name=f"pool{i}", kernel_shape=[k, k],
                                          strides=[s, s], ceil_mode=1))
        elif kind == "flatten_whc":
            t = f"transpose{i}_out"
            nodes.append(helper.make_node("Transpose", [x], [t], name=f"transpose{i}", perm=[0, 3, 2, 1]))
            out = f"flatten{i}_out"
            nodes.append(helper.make_node("Flatten", [t], [out], name=f"flatten{i}", axis=1))
            rank4 = False
        elif kind == "dense":
            weight, bias = take(f"{arg}.weight"), take(f"{arg}.bias")
            init(f"{arg}.weight", weight)
            init(f"{arg}.bias", bias)
            nodes.append(helper.make_node("Gemm", [x, f"{arg}.weight", f"{arg}.bias"], [out], name=arg, transB=1))
        x = out

    outputs = []
    for name, layer, softmax in HEADS[net]:
        weight, bias = take(f"{layer}.weight"), take(f"{layer}.bias")
        init(f"{layer}.weight", weight)
        init(f"{layer}.bias", bias)
        target = f"{layer}_out" if softmax else name
        if rank4:
            nodes.append(helper.make_node("Conv", [x, f"{layer}.weight", f"{layer}.bias"], [target], name=layer,
                                          kernel_shape=list(weight.shape[2:]), strides=[1, 1], pads=[0, 0, 0, 0]))
        else:
            nodes.append(helper.make_node("Gemm", [x, f"{layer}.weight", f"{layer}.bias"], [target], name=layer,
                                          transB=1))
        if softmax:
            nodes.append(helper.make_node("Softmax", [target], [name], name=f"softmax_{name}", axis=1))
        channels = weight.shape[0]
        shape = [1, channels, "out_height", "out_width"] if rank4 else ["batch", channels]
        outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))

    unused = sorted(set(w) - used)
    if unused:
        raise SystemExit(f"error: {net}: unused weights {unused}")
    size = INPUT_SIZE[net]
    in_shape = [1, 3, "height", "width"] if size is None else ["batch", 3, size, size]
    graph = helper.make_graph(nodes, f"mtcnn_{net}", [helper.make_tensor_value_info("input", TensorProto.FLOAT, in_shape)],
                              outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="fer-live convert_mtcnn.py", producer_version="1")
    model.ir_version = 8
    model.doc_string = (f"MTCNN {net} (Zhang et al. 2016), weights from facenet-pytorch 2.6.0 (MIT). "
                        "Input RGB, (x - 127.5) * 0.0078125.")
    onnx.checker.check_model(model, full_check=True)
    return model


# ---------------------------------------------------------------------------------------------
# Independent reference: float64 numpy, straight from the weights (no ONNX, no torch)


def np_conv(x, weight, bias):
    n, c, h, wd = x.shape
    o, _, kh, kw = weight.shape
    oh, ow = h - kh + 1, wd - kw + 1
    cols = np.empty((n, c, kh, kw, oh, ow))
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = x[:, :, i:i + oh, j:j + ow]
    y = np.einsum("nckluv,ockl->nouv", cols, weight.astype(np.float64), optimize=True)
    return y + bias.astype(np.float64)[None, :, None, None]


def np_prelu(x, slope):
    s = slope.astype(np.float64)
    s = s[None, :, None, None] if x.ndim == 4 else s[None, :]
    return np.where(x >= 0, x, x * s)


def np_maxpool_ceil(x, k, s):
    n, c, h, w = x.shape
    oh = -(-(h - k) // s) + 1
    ow = -(-(w - k) // s) + 1
    # PyTorch: the last window must start inside the input.
    if (oh - 1) * s >= h:
        oh -= 1
    if (ow - 1) * s >= w:
        ow -= 1
    y = np.full((n, c, oh, ow), -np.inf)
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = x[:, :, i * s:min(i * s + k, h), j * s:min(j * s + k, w)].max(axis=(2, 3))
    return y


def np_softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def np_forward(net, w, x):
    x = x.astype(np.float64)
    for kind, arg in ARCH[net]:
        if kind == "conv":
            x = np_conv(x, w[f"{arg}.weight"], w[f"{arg}.bias"])
        elif kind == "prelu":
            x = np_prelu(x, w[f"{arg}.weight"])
        elif kind == "pool":
            x = np_maxpool_ceil(x, *arg)
        elif kind == "flatten_whc":
            x = x.transpose(0, 3, 2, 1).reshape(x.shape[0], -1)
        elif kind == "dense":
            x = x @ w[f"{arg}.weight"].astype(np.float64).T + w[f"{arg}.bias"]
    out = {}
    for name, layer, softmax in HEADS[net]:
        wt, b = w[f"{layer}.weight"], w[f"{layer}.bias"]
        y = np_conv(x, wt, b) if x.ndim == 4 else x @ wt.astype(np.float64).T + b
        out[name] = np_softmax(y) if softmax else y
    return out


# ---------------------------------------------------------------------------------------------
# Optional second reference: facenet-pytorch's module definitions, when torch is importable


def torch_forward(net, w, x):
    try:
        import torch
        from torch import nn
    except ImportError:
        return None

    class PNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 10, kernel_size=3); self.prelu1 = nn.PReLU(10)
            self.pool1 = nn.MaxPool2d(2, 2, ceil_mode=True)
            self.conv2 = nn.Conv2d(10, 16, kernel_size=3); self.prelu2 = nn.PReLU(16)
            self.conv3 = nn.Conv2d(16, 32, kernel_size=3); self.prelu3 = nn.PReLU(32)
            self.conv4_1 = nn.Conv2d(32, 2, kernel_size=1); self.softmax4_1 = nn.Softmax(dim=1)
            self.conv4_2 = nn.Conv2d(32, 4, kernel_size=1)

        def forward(self, x):
            x = self.prelu3(self.conv3(self.prelu2(self.conv2(self.pool1(self.prelu1(self.conv1(x)))))))
            return {"reg": self.conv4_2(x), "prob": self.softmax4_1(self.conv4_1(x))}

    class RNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 28, kernel_size=3); self.prelu1 = nn.PReLU(28)
            self.pool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
            self.conv2 = nn.Conv2d(28, 48, kernel_size=3); self.prelu2 = nn.PReLU(48)
            self.pool2 = nn.MaxPool2d(3, 2, ceil_mode=True)
            self.conv3 = nn.Conv2d(48, 64, kernel_size=2); self.prelu3 = nn.PReLU(64)
            self.dense4 = nn.Linear(576, 128); self.prelu4 = nn.PReLU(128)
            self.dense5_1 = nn.Linear(128, 2); self.softmax5_1 = nn.Softmax(dim=1)
            self.dense5_2 = nn.Linear(128, 4)

        def forward(self, x):
            x = self.pool1(self.prelu1(self.conv1(x)))
            x = self.pool2(self.prelu2(self.conv2(x)))
            x = self.prelu3(self.conv3(x))
            x = x.permute(0, 3, 2, 1).contiguous()
            x = self.prelu4(self.dense4(x.view(x.shape[0], -1)))
            return {"reg": self.dense5_2(x), "prob": self.softmax5_1(self.dense5_1(x))}

    class ONet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 32, kernel_size=3); self.prelu1 = nn.PReLU(32)
            self.pool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
            self.conv2 = nn.Conv2d(32, 64, kernel_size=3); self.prelu2 = nn.PReLU(64)
            self.pool2 = nn.MaxPool2d(3, 2, ceil_mode=True)
            self.conv3 = nn.Conv2d(64, 64, kernel_size=3); self.prelu3 = nn.PReLU(64)
            self.pool3 = nn.MaxPool2d(2, 2, ceil_mode=True)
            self.conv4 = nn.Conv2d(64, 128, kernel_size=2); self.prelu4 = nn.PReLU(128)
            self.dense5 = nn.Linear(1152, 256); self.prelu5 = nn.PReLU(256)
            self.dense6_1 = nn.Linear(256, 2); self.softmax6_1 = nn.Softmax(dim=1)
            self.dense6_2 = nn.Linear(256, 4)
            self.dense6_3 = nn.Linear(256, 10)

        def forward(self, x):
            x = self.pool1(self.prelu1(self.conv1(x)))
            x = self.pool2(self.prelu2(self.conv2(x)))
            x = self.pool3(self.prelu3(self.conv3(x)))
            x = self.prelu4(self.conv4(x))
            x = x.permute(0, 3, 2, 1).contiguous()
            x = self.prelu5(self.dense5(x.view(x.shape[0], -1)))
            return {"reg": self.dense6_2(x), "landmarks": self.dense6_3(x), "prob": self.softmax6_1(self.dense6_1(x))}

    module = {"pnet": PNet, "rnet": RNet, "onet": ONet}[net]()
    module.load_state_dict({k: torch.from_numpy(v) for k, v in w.items()})
    module.eval()
    with torch.no_grad():
        out = module(torch.from_numpy(x.astype(np.float32)))
    return {k: v.numpy().astype(np.float64) for k, v in out.items()}


def check(net, path, w, rng):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    if net == "pnet":
        shapes = [(1, 3, 12, 12), (1, 3, 13, 17), (1, 3, 31, 24), (1, 3, 59, 77)]
    else:
        size = INPUT_SIZE[net]
        shapes = [(1, 3, size, size), (5, 3, size, size)]
    worst = {"numpy": 0.0, "torch": 0.0}
    for shape in shapes:
        # Inputs in the range the detector feeds: (0..255 - 127.5) * 0.0078125.
        x = ((rng.integers(0, 256, size=shape) - 127.5) * 0.0078125).astype(np.float32)
        got = dict(zip(names, session.run(None, {"input": x})))
        refs = {"numpy": np_forward(net, w, x), "torch": torch_forward(net, w, x)}
        for ref_name, ref in refs.items():
            if ref is None:
                worst[ref_name] = None
                continue
            for name, value in ref.items():
                if got[name].shape != value.shape:
                    print(f"FAIL {net} {shape}: {name} shape {got[name].shape} != {ref_name} {value.shape}")
                    return False
                diff = float(np.abs(got[name].astype(np.float64) - value).max())
                worst[ref_name] = max(worst[ref_name], diff)
    ok = all(v is None or v <= TOLERANCE for v in worst.values())
    detail = ", ".join(f"{k} {'n/a (no torch)' if v is None else f'{v:.2e}'}" for k, v in worst.items())
    print(f"{'ok  ' if ok else 'FAIL'} {net}: ONNX Runtime vs reference, max |diff| over {len(shapes)} inputs: {detail}")
    return ok


# ---------------------------------------------------------------------------------------------


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("weights", help="folder with pnet/rnet/onet .npz or .pt")
    parser.add_argument("out", help="output folder for mtcnn_{pnet,rnet,onet}.onnx")
    parser.add_argument("--manifest", help="write a JSON manifest here")
    parser.add_argument("--no-check", action="store_true", help="skip the ONNX Runtime comparison")
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(20260522)
    ok = True
    files = {}
    for net in NETS:
        w = load_weights(args.weights, net)
        model = build(net, w)
        path = os.path.join(args.out, f"mtcnn_{net}.onnx")
        onnx.save(model, path)
        params = sum(v.size for v in w.values())
        print(f"wrote {path}: {params} parameters, sha256 {sha256(path)}")
        files[net] = os.path.basename(path)
        if not args.no_check:
            ok = check(net, path, w, rng) and ok

    if args.manifest:
        manifest = {
            "name": "mtcnn",
            "task": "face_detection",
            "files": files,
            "input": {
                "name": "input",
                "color": "rgb",
                "layout": "NCHW",
                "scale": 1.0,
                "mean": [127.5, 127.5, 127.5],
                "std": [128.0, 128.0, 128.0],
            },
            "sizes": {"pnet": "any >= 12", "rnet": 24, "onet": 48},
            "pnet": {"stride": 2, "cell": 12},
            "outputs": {
                "pnet": ["reg", "prob"],
                "rnet": ["reg", "prob"],
                "onet": ["reg", "landmarks", "prob"],
            },
            "landmarks": 5,
            "license": "MIT",
            "source": "facenet-pytorch 2.6.0 facenet_pytorch/data/{pnet,rnet,onet}.pt, converted by Models/tools/convert_mtcnn.py",
        }
        with open(args.manifest, "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        print(f"wrote {args.manifest}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
