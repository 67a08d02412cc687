#!/usr/bin/env python3
"""Does a per-crop contrast stretch undo a dim room? FER2013 val crops darkened as `fer-live bench pipeline`'s
dark frames are (gain 0.4, gamma 1.4, Gaussian noise; sigma 1.5 here, about what sigma 3 becomes once a face of
64-224 px is reduced to 48x48), classified by MODEL under ONNX Runtime as they are and after each per-crop
normalisation. Prints accuracy against the FER2013 folder labels, clean and dark.

  .venv/bin/python3 Models/tools/contrast_check.py Models/emotion/ferplus_resnet24.onnx [--val DIR]
"""
import argparse
import json
import os
import sys

import numpy as np
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "training"))
from data import load_split  # noqa: E402


def stretch(x, low=1, high=99, minimum_range=8.0):
    """What the manifest's input.contrast does: percentile `low` to 0, `high` to 255, per crop."""
    lo = np.percentile(x, low, axis=(1, 2), keepdims=True)
    hi = np.percentile(x, high, axis=(1, 2), keepdims=True)
    return np.clip(np.round((x - lo) * 255 / np.maximum(hi - lo, minimum_range)), 0, 255)


def standardise(x, mean, std):
    m = x.mean(axis=(1, 2), keepdims=True)
    s = x.std(axis=(1, 2), keepdims=True) + 1e-3
    return np.clip((x - m) / s * std * 255 + mean * 255, 0, 255)


def equalise(x):
    """Histogram equalisation per crop."""
    out = np.empty_like(x)
    for i in range(len(x)):
        v = x[i].astype(np.uint8)
        cdf = np.bincount(v.ravel(), minlength=256).cumsum()
        out[i] = (cdf * 255 / v.size)[v]
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model")
    p.add_argument("--val", default=os.path.join(HERE, "..", "..", "..", "shared", "data", "fer2013", "val"))
    args = p.parse_args()
    manifest = json.load(open(os.path.splitext(args.model)[0] + ".json"))
    mean, std = manifest["input"]["mean"][0], manifest["input"]["std"][0]
    images, labels, _, _ = load_split(args.val, os.path.join(HERE, "..", "training", ".cache"))
    images = images.astype(np.float32)
    rng = np.random.default_rng(0)
    dark = np.clip(np.round(255 * 0.4 * (images / 255) ** 1.4 + 1.5 * rng.standard_normal(images.shape)), 0, 255)
    session = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name

    def accuracy(x):
        p = session.run(None, {name: ((x / 255 - mean) / std)[:, None].astype(np.float32)})[0]
        return 100 * (p.argmax(1) == labels).mean()

    for label, f in [("as is", lambda x: x), ("stretch 1-99 % (input.contrast)", stretch),
                     ("standardise to the train mean/std", lambda x: standardise(x, mean, std)),
                     ("histogram equalisation", equalise)]:
        print(f"{label:36s} clean {accuracy(f(images)):6.2f} %   dark {accuracy(f(dark)):6.2f} %")


if __name__ == "__main__":
    main()
