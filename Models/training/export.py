#!/usr/bin/env python3
"""Export a train.py checkpoint to ONNX + fer-live manifest, and check it against ONNX Runtime.

  python3 Models/training/export.py Models/training/runs/NAME/best.pt Models/emotion/NAME.onnx

Writes OUT.onnx (opset 17, input "input" [N,1,48,48] with a symbolic batch, output "probabilities"
[N,7] after an in-graph Softmax, BatchNorm folded into the convs) and OUT.json (fer-live's manifest,
labels in fer-live's order). Then checks: only operators fer-live's engine implements; ONNX Runtime
(1 thread) vs torch on val images within --tolerance (exit 1 otherwise); prints ORT's val accuracy
and its single-face latency.
"""

import argparse
import hashlib
import json
import os
import sys
import time
import warnings

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import load_split  # noqa: E402
from model import LABELS, FERResNet, count_macs  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
VAL_DIR = os.path.join(HERE, "..", "..", "..", "shared", "data", "fer2013", "val")
# What fer-live's engine runs (the operator table in Sources/Inference/Operators/, compute and layout subset used here).
ENGINE_OPS = {"Conv", "BatchNormalization", "Relu", "Add", "MaxPool", "AveragePool", "GlobalAveragePool",
              "Flatten", "Reshape", "Gemm", "MatMul", "Softmax", "Identity"}


class WithSoftmax(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        return self.softmax(self.model(x))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("out", help="OUT.onnx; the manifest goes to OUT.json unless --manifest")
    p.add_argument("--manifest")
    p.add_argument("--name", help="manifest name (default: OUT's basename)")
    p.add_argument("--val-dir", default=VAL_DIR)
    p.add_argument("--cache-dir", default=os.path.join(HERE, ".cache"))
    p.add_argument("--tolerance", type=float, default=1e-4)
    p.add_argument("--framing-from", default=os.path.join(HERE, "..", "emotion", "fer_resnet24.json"),
                   help="copy the `framing` (landmark template of the training faces, measured by `fer-live bench "
                        "framing`) from this manifest: every model trained on FER2013's crops shares it")
    p.add_argument("--license", default="weights trained by the fer-live project with Models/training on FER2013 "
                   "(ICML 2013 challenge data, research use)")
    args = p.parse_args()
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore", message="You are using the legacy TorchScript-based ONNX export")

    ckpt = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    if ckpt.get("labels") != LABELS:
        raise SystemExit(f"{args.checkpoint}: labels {ckpt.get('labels')} differ from fer-live's order {LABELS}")
    cfg = ckpt["config"]
    model = FERResNet(cfg["width"], cfg["blocks"], cfg["num_classes"], cfg["dropout"])
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    macs = count_macs(model)
    h, w = ckpt["input_size"]
    mean, std = float(ckpt["mean"]), float(ckpt["std"])
    wrapped = WithSoftmax(model).eval()

    out = args.out
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    torch.onnx.export(wrapped, (torch.zeros(1, 1, h, w),), out, dynamo=False, opset_version=17,
                      input_names=["input"], output_names=["probabilities"],
                      dynamic_axes={"input": {0: "N"}, "probabilities": {0: "N"}},
                      do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)
    m = onnx.load(out)
    onnx.checker.check_model(m, full_check=True)
    ops = {}
    for node in m.graph.node:
        ops[node.op_type] = ops.get(node.op_type, 0) + 1
    unsupported = sorted(set(ops) - ENGINE_OPS)
    if unsupported:
        raise SystemExit(f"{out}: operators fer-live's engine does not implement: {unsupported}")
    n_params = sum(int(np.prod(t.dims)) for t in m.graph.initializer)
    print(f"onnx: {out} ({os.path.getsize(out)} bytes), nodes {ops}, {n_params} parameters, "
          f"{macs / 1e6:.2f} M MACs; BatchNormalization nodes left: {ops.get('BatchNormalization', 0)}")

    # ORT vs torch on real val images (same preprocessing as training) and on noise, batch and single.
    images, labels, _, _ = load_split(args.val_dir, args.cache_dir)
    x_val = ((images.astype(np.float32) / 255 - mean) / std)[:, None]
    rng = np.random.default_rng(0)
    x_noise = rng.standard_normal((16, 1, h, w)).astype(np.float32)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(out, opts, providers=["CPUExecutionProvider"])
    worst = 0.0
    ort_probs = []
    with torch.inference_mode():
        for i in range(0, len(x_val), 256):
            xb = x_val[i:i + 256]
            o = sess.run(["probabilities"], {"input": xb})[0]
            t = wrapped(torch.from_numpy(xb)).numpy()
            worst = max(worst, float(np.abs(o - t).max()))
            ort_probs.append(o)
        for xb in (x_noise, x_val[:1]):
            o = sess.run(["probabilities"], {"input": xb})[0]
            worst = max(worst, float(np.abs(o - wrapped(torch.from_numpy(xb)).numpy()).max()))
    ort_probs = np.concatenate(ort_probs)
    pred = ort_probs.argmax(1)
    acc = float((pred == labels).mean())
    recall = {LABELS[c]: round(float((pred[labels == c] == c).mean()), 4) for c in range(len(LABELS))}
    x1 = x_val[:1]
    for _ in range(20):
        sess.run(None, {"input": x1})
    times = []
    for _ in range(300):
        t0 = time.perf_counter()
        sess.run(None, {"input": x1})
        times.append((time.perf_counter() - t0) * 1000)
    ms = float(np.median(times))
    print(f"ORT vs torch: max |diff| {worst:.2e} over {len(x_val) + 17} inputs (tolerance {args.tolerance:g})")
    print(f"ORT val accuracy {acc:.4f} on {len(labels)} images; recall {recall}")
    print(f"ORT 1 thread, batch 1: median {ms:.3f} ms, p90 {float(np.percentile(times, 90)):.3f} ms")

    name = args.name or os.path.splitext(os.path.basename(out))[0]
    metrics = ckpt.get("metrics", {})
    targets = ckpt.get("args", {}).get("targets", "fer2013")
    scores = f"val acc {metrics.get('val_acc')}"
    if "ferplus_acc" in metrics:
        scores += f", FER+ majority acc {metrics.get('ferplus_acc')}, FER+ macro-F1 {metrics.get('ferplus_macro_f1')}"
    source = (f"trained by Models/training/train.py (FERResNet width {cfg['width']} blocks {cfg['blocks']}, "
              f"{macs / 1e6:.1f} M MACs, targets {targets}, epoch {ckpt.get('epoch')}, {scores}); "
              f"checkpoint sha256 {sha256(args.checkpoint)}; exported by Models/training/export.py")
    manifest = {
        "name": name,
        "task": "emotion",
        "input": {"name": "input", "width": w, "height": h, "color": "gray", "layout": "NCHW",
                  "scale": 255.0, "mean": [mean], "std": [std]},
        "output": {"name": "probabilities", "kind": "probabilities"},
        "labels": LABELS,
        "face_margin": 0.0,
    }
    if args.framing_from:
        with open(args.framing_from) as f:
            framing = json.load(f).get("framing")
        if framing is None:
            raise SystemExit(f"{args.framing_from}: no framing to copy")
        manifest["framing"] = framing
    manifest.update({
        "source": source,
        "license": args.license,
    })
    manifest_path = args.manifest or os.path.splitext(out)[0] + ".json"
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(f"manifest: {manifest_path}")
    print(f"sha256 {sha256(out)}  {out}")
    if worst > args.tolerance:
        raise SystemExit(f"{out}: ONNX Runtime differs from torch by {worst:.2e} > {args.tolerance:g}")


if __name__ == "__main__":
    main()
