#!/usr/bin/env python3
"""Run an ONNX model once with ONNX Runtime on raw float32 inputs; write raw float32 outputs.

Usage: ort_run.py MODEL.onnx --input NAME=PATH.f32:1x3x256x320 [--input ...] --out DIR

Each input file holds little-endian float32 values in row-major order for the given shape.
Each output is written to DIR/<output name>.f32 (little-endian float32, row-major; a '/' in
a name becomes '_'), and DIR/shapes.json maps every output name to its dims. ONNX Runtime
runs on the CPU with one intra-op and one inter-op thread and default graph optimisations.
Used by the Swift tests to compare the project's engine against ONNX Runtime.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnxruntime as ort


def parse_input(spec):
    try:
        name, rest = spec.split("=", 1)
        path, dims = rest.rsplit(":", 1)
        shape = tuple(int(d) for d in dims.lower().split("x"))
    except ValueError:
        raise SystemExit(f"ort_run: --input '{spec}': expected NAME=PATH.f32:D0xD1x...")
    data = np.fromfile(path, dtype="<f4")
    if data.size != int(np.prod(shape)):
        raise SystemExit(f"ort_run: {path}: {data.size} floats, shape {list(shape)} needs {int(np.prod(shape))}")
    return name, data.reshape(shape)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--input", action="append", default=[], metavar="NAME=PATH:SHAPE")
    ap.add_argument("--out", required=True, metavar="DIR")
    args = ap.parse_args(argv)

    feeds = dict(parse_input(s) for s in args.input)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    try:
        sess = ort.InferenceSession(args.model, opts, providers=["CPUExecutionProvider"])
    except Exception as e:  # onnxruntime raises its own exception types
        raise SystemExit(f"ort_run: {args.model}: cannot load: {e}")
    wanted = {i.name for i in sess.get_inputs()}
    if set(feeds) != wanted:
        raise SystemExit(f"ort_run: {args.model}: inputs given {sorted(feeds)}, model needs {sorted(wanted)}")
    names = [o.name for o in sess.get_outputs()]
    try:
        outputs = sess.run(names, feeds)
    except Exception as e:
        raise SystemExit(f"ort_run: {args.model}: run failed: {e}")

    os.makedirs(args.out, exist_ok=True)
    shapes = {}
    for name, value in zip(names, outputs):
        value = np.ascontiguousarray(value, dtype="<f4")
        value.tofile(os.path.join(args.out, name.replace("/", "_") + ".f32"))
        shapes[name] = list(value.shape)
    with open(os.path.join(args.out, "shapes.json"), "w") as f:
        json.dump(shapes, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
