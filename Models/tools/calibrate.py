#!/usr/bin/env python3
"""Temperature scaling of an emotion classifier on a labelled folder (ONNX Runtime), and the confidence
below which fer-live calls a face "uncertain".

Usage: calibrate.py MODEL.onnx MANIFEST.json DATA_DIR [--ferplus VOTES.csv] [--threshold 0.5] [--write]

Fits one temperature T (probabilities become softmax(log p / T)) by minimising the negative log-likelihood on
DATA_DIR (fer-live's val split), and reports the expected calibration error (ECE, 15 equal-width confidence bins,
top-1) before and after. With --ferplus the labels are the FER+ majority votes (images without a clear majority
left out), else the folder names. With calibrated probabilities, a top probability below 0.5 means the label is
more likely wrong than right: the script reports, at each threshold, how many faces fall below it and how
accurate the labels above and below are. --write stores `temperature` and a `calibration` record in the manifest.
"""
import argparse
import csv
import json
import os
import sys

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ort_eval import list_dataset, preprocess, softmax  # noqa: E402

FERPLUS = {"angry": "anger", "disgust": "disgust", "fear": "fear", "happy": "happiness", "sad": "sadness",
           "surprise": "surprise", "neutral": "neutral"}
COLUMNS = ["neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt", "unknown", "NF"]


def ece(probs, labels, bins=15):
    conf = probs.max(1)
    correct = probs.argmax(1) == labels
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            total += m.mean() * abs(correct[m].mean() - conf[m].mean())
    return float(total)


def scaled(logp, t):
    return softmax(logp / t)


def scaled_views(views, t):
    """fer-live's probabilities at temperature t: each view (the crop, and its mirror with --tta flip) scaled,
    then averaged."""
    return np.mean([scaled(v, t) for v in views], axis=0)


def nll_views(views, labels, t):
    p = scaled_views(views, t)
    return float(-np.log(np.maximum(p[np.arange(len(labels)), labels], 1e-12)).mean())


def fit_temperature(views, labels):
    grid = np.exp(np.linspace(np.log(0.25), np.log(6), 200))
    best = min(grid, key=lambda t: nll_views(views, labels, t))
    lo, hi = best / 1.05, best * 1.05
    for _ in range(40):  # golden-section refinement
        a, b = lo + 0.382 * (hi - lo), lo + 0.618 * (hi - lo)
        if nll_views(views, labels, a) < nll_views(views, labels, b):
            hi = b
        else:
            lo = a
    return float((lo + hi) / 2)


def ferplus_majority(data_dir, csv_path, items, labels):
    split = os.path.basename(os.path.abspath(data_dir))
    votes = {}
    with open(csv_path, newline="") as f:
        for row in csv.DictReader(f):
            votes[row["file"]] = [int(row[c]) for c in COLUMNS]
    inv = {col: i for i, col in enumerate(FERPLUS[l] for l in labels)}
    out = []
    for path, _ in items:
        rel = split + "/" + os.path.relpath(path, data_dir).replace(os.sep, "/")
        v = votes.get(rel)
        if not v or max(v) == 0 or v.count(max(v)) > 1:
            out.append(-1)
            continue
        top = COLUMNS[v.index(max(v))]
        out.append(inv.get(top, -1))
    return np.array(out)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("manifest")
    ap.add_argument("data_dir")
    ap.add_argument("--ferplus", help="FER+ votes CSV: calibrate against the majority vote")
    ap.add_argument("--threshold", type=float, default=0.5, help="uncertain below this calibrated top probability")
    ap.add_argument("--write", action="store_true", help="store temperature and calibration in the manifest")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--flip", action="store_true",
                    help="as fer-live's --tta flip: the crop and its mirror, each scaled by the temperature, averaged; "
                         "also reports the single-pass ECE at the fitted temperature")
    args = ap.parse_args(argv)
    with open(args.manifest) as f:
        manifest = json.load(f)
    spec, labels = manifest["input"], manifest["labels"]
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(args.model, opts, providers=["CPUExecutionProvider"])
    items = list_dataset(args.data_dir, labels)

    mirrors = [False, True] if args.flip else [False]
    outs = [[] for _ in mirrors]
    for start in range(0, len(items), args.batch):
        x = np.stack([preprocess(p, spec) for p, _ in items[start:start + args.batch]])  # each image decoded once
        for out, mirror in zip(outs, mirrors):
            view = x[..., ::-1].copy() if mirror else x
            out.append(sess.run([manifest["output"]["name"]], {spec["name"]: view})[0])
    views = []
    for out in outs:
        out = np.concatenate(out).astype(np.float64)
        views.append(softmax(out) if manifest["output"].get("kind") == "logits" else out)
    truth = np.array([l for _, l in items])
    protocol = "FER2013 folder labels"
    if args.ferplus:
        truth = ferplus_majority(args.data_dir, args.ferplus, items, labels)
        keep = truth >= 0
        views, truth = [v[keep] for v in views], truth[keep]
        protocol = "FER+ majority vote"
    if args.flip:
        protocol += ", flip averaging"
    logps = [np.log(np.maximum(v, 1e-12)) for v in views]
    t = fit_temperature(logps, truth)
    before, after = ece(scaled_views(logps, 1.0), truth), ece(scaled_views(logps, t), truth)
    cal = scaled_views(logps, t)
    conf, correct = cal.max(1), cal.argmax(1) == truth
    print(f"{os.path.basename(args.model)} on {args.data_dir} ({protocol}, {len(truth)} faces): "
          f"accuracy {correct.mean():.4f}")
    print(f"temperature {t:.3f}: NLL {nll_views(logps, truth, 1.0):.4f} -> {nll_views(logps, truth, t):.4f}, "
          f"ECE {before:.4f} -> {after:.4f}")
    if args.flip:
        print(f"single pass at this temperature: ECE {ece(scaled(logps[0], t), truth):.4f}; "
              f"at the manifest's {manifest.get('temperature', 1.0)}: single pass "
              f"{ece(scaled(logps[0], manifest.get('temperature', 1.0)), truth):.4f}, flip averaging "
              f"{ece(scaled_views(logps, manifest.get('temperature', 1.0)), truth):.4f}")
    print("| threshold | faces below | accuracy below | accuracy at or above |")
    print("|---|---|---|---|")
    for th in (0.3, 0.4, 0.5, 0.6, 0.7):
        below = conf < th
        acc_b = correct[below].mean() if below.any() else float("nan")
        acc_a = correct[~below].mean() if (~below).any() else float("nan")
        print(f"| {th:.1f} | {below.mean() * 100:.1f} % | {acc_b * 100:.1f} % | {acc_a * 100:.1f} % |")
    below = conf < args.threshold
    record = {"temperature": round(t, 4), "ece_before": round(before, 4), "ece_after": round(after, 4),
              "protocol": protocol, "faces": int(len(truth)), "flip": args.flip,
              "uncertain_threshold": args.threshold,
              "uncertain_share": round(float(below.mean()), 4),
              "accuracy_below_threshold": round(float(correct[below].mean()), 4) if below.any() else None,
              "accuracy_at_or_above_threshold": round(float(correct[~below].mean()), 4) if (~below).any() else None,
              "by": "Models/tools/calibrate.py"}
    if args.write:
        manifest["temperature"] = record["temperature"]
        manifest["calibration"] = record
        with open(args.manifest, "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        print(f"wrote temperature {record['temperature']} into {args.manifest}")
    else:
        print(json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
