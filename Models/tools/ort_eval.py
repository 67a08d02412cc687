#!/usr/bin/env python3
"""Accuracy of an emotion classifier under ONNX Runtime on a folder-per-class data set.

Usage: ort_eval.py MODEL.onnx MANIFEST.json DATA_DIR [--json] [--batch N]

DATA_DIR/<label>/* are images (the Kaggle FER2013 layout); every folder name must be one of
the manifest's labels. Preprocessing, exactly as the manifest defines it:
  1. decode to the manifest colour (gray | rgb | bgr), 8-bit;
  2. bilinear resize to manifest width x height with the half-pixel-centre convention
     (src = (dst + 0.5) * in / out - 0.5, clamped to [0, in - 1]; weights in float64, no
     rounding back to 8 bits; the same as OpenCV INTER_LINEAR up to its fixed-point rounding);
  3. value = (pixel / scale - mean[c]) / std[c], NCHW float32.
The output is read as probabilities, or as logits (softmax applied) per manifest output.kind.
ONNX Runtime runs with one intra-op and one inter-op thread.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnxruntime as ort
from PIL import Image

IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm")


def resize_axis_weights(n_in, n_out):
    """Indices (i0, i1) and weight of i1 for a half-pixel-centre linear resize of one axis."""
    dst = np.arange(n_out, dtype=np.float64)
    src = (dst + 0.5) * (n_in / n_out) - 0.5
    src = np.clip(src, 0.0, n_in - 1)
    i0 = np.floor(src).astype(np.int64)
    i1 = np.minimum(i0 + 1, n_in - 1)
    return i0, i1, src - i0


def resize_bilinear(img, out_h, out_w):
    """img: (H, W, C) array -> (out_h, out_w, C) float64, half-pixel centres, edge clamp."""
    h, w = img.shape[:2]
    img = img.astype(np.float64)
    y0, y1, wy = resize_axis_weights(h, out_h)
    x0, x1, wx = resize_axis_weights(w, out_w)
    top = img[y0][:, x0] * (1 - wx)[None, :, None] + img[y0][:, x1] * wx[None, :, None]
    bottom = img[y1][:, x0] * (1 - wx)[None, :, None] + img[y1][:, x1] * wx[None, :, None]
    return top * (1 - wy)[:, None, None] + bottom * wy[:, None, None]


def load_image(path, color):
    with Image.open(path) as im:
        if color == "gray":
            arr = np.asarray(im.convert("L"))[:, :, None]
        elif color in ("rgb", "bgr"):
            arr = np.asarray(im.convert("RGB"))
            if color == "bgr":
                arr = arr[:, :, ::-1]
        else:
            raise ValueError(f"manifest input.color '{color}' is not gray|rgb|bgr")
    return arr


def preprocess(path, spec):
    img = load_image(path, spec["color"])
    img = resize_bilinear(img, int(spec["height"]), int(spec["width"]))
    mean = np.asarray(spec["mean"], dtype=np.float64)
    std = np.asarray(spec["std"], dtype=np.float64)
    x = (img / float(spec["scale"]) - mean) / std
    return x.transpose(2, 0, 1).astype(np.float32)  # CHW


def list_dataset(data_dir, labels):
    items = []
    for entry in sorted(os.listdir(data_dir)):
        folder = os.path.join(data_dir, entry)
        if not os.path.isdir(folder):
            continue
        if entry not in labels:
            raise SystemExit(f"ort_eval: {folder}: folder name is not a manifest label {labels}")
        for name in sorted(os.listdir(folder)):
            if name.lower().endswith(IMAGE_EXTS):
                items.append((os.path.join(folder, name), labels.index(entry)))
    if not items:
        raise SystemExit(f"ort_eval: {data_dir}: no images found in <label>/ folders")
    return items


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("manifest")
    ap.add_argument("data_dir")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    ap.add_argument("--batch", type=int, default=128)
    args = ap.parse_args(argv)

    with open(args.manifest) as f:
        manifest = json.load(f)
    spec = manifest["input"]
    if spec.get("layout", "NCHW") != "NCHW":
        raise SystemExit(f"ort_eval: {args.manifest}: input.layout {spec['layout']} not supported")
    labels = manifest["labels"]
    kind = manifest["output"].get("kind", "probabilities")
    if kind not in ("probabilities", "logits"):
        raise SystemExit(f"ort_eval: {args.manifest}: output.kind '{kind}' is not probabilities|logits")

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(args.model, opts, providers=["CPUExecutionProvider"])

    items = list_dataset(args.data_dir, labels)
    n_cls = len(labels)
    confusion = np.zeros((n_cls, n_cls), dtype=np.int64)
    for start in range(0, len(items), args.batch):
        chunk = items[start:start + args.batch]
        x = np.stack([preprocess(p, spec) for p, _ in chunk])
        out = sess.run([manifest["output"]["name"]], {spec["name"]: x})[0]
        if out.ndim != 2 or out.shape[1] != n_cls:
            raise SystemExit(f"ort_eval: {args.model}: output shape {out.shape}, expected [N,{n_cls}]")
        probs = softmax(out) if kind == "logits" else out
        pred = probs.argmax(axis=1)
        for (_, truth), p in zip(chunk, pred):
            confusion[truth, p] += 1

    n = int(confusion.sum())
    accuracy = float(np.trace(confusion)) / n
    per_class = {}
    for i, label in enumerate(labels):
        support = int(confusion[i].sum())
        per_class[label] = {"recall": (float(confusion[i, i]) / support) if support else None, "n": support}
    if args.json:
        print(json.dumps({"accuracy": accuracy, "n": n, "per_class": per_class,
                          "confusion": confusion.tolist(), "labels": labels}))
    else:
        print(f"model {args.model}  images {n}  accuracy {accuracy:.4f}")
        for label in labels:
            r = per_class[label]["recall"]
            print(f"  {label:<10} n={per_class[label]['n']:<5} recall={'-' if r is None else f'{r:.4f}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
