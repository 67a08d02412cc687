#!/usr/bin/env python3
"""How much an ensemble of classifiers would teach: FER+ majority accuracy, macro-F1 and per-class recall on
FER2013 val for each model alone, each with its mirror image averaged in, and their mean (ONNX Runtime).

  .venv/bin/python3 Models/tools/ensemble_eval.py Models/emotion/ferplus_resnet24.onnx Models/emotion/fer_resnet24.onnx

An ensemble that beats its members is a teacher worth distilling (Models/training/train.py --teacher).
Needs ../shared/data/fer2013/val and ferplus_votes.csv.
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "training"))
from data import ferplus_majority, load_ferplus_votes, load_split  # noqa: E402
from model import LABELS  # noqa: E402
from train import teacher_probabilities  # noqa: E402

SHARED = os.path.join(HERE, "..", "..", "..", "shared", "data", "fer2013")


def scores(prob, truth):
    keep = truth >= 0
    pred = prob.argmax(1)[keep]
    t = truth[keep]
    recalls, f1s = [], []
    for c in range(len(LABELS)):
        tp = np.sum((pred == c) & (t == c))
        recall = tp / max(1, np.sum(t == c))
        precision = tp / max(1, np.sum(pred == c))
        recalls.append(recall)
        f1s.append(0 if tp == 0 else 2 * precision * recall / (precision + recall))
    return float((pred == t).mean()), float(np.mean(f1s)), recalls


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="+")
    ap.add_argument("--val-dir", default=os.path.join(SHARED, "val"))
    ap.add_argument("--votes", default=os.path.join(SHARED, "ferplus_votes.csv"))
    ap.add_argument("--cache-dir", default=os.path.join(HERE, "..", "training", ".cache"))
    args = ap.parse_args()
    images, _, _, _ = load_split(args.val_dir, args.cache_dir)
    truth = ferplus_majority(load_ferplus_votes(args.val_dir, args.votes), LABELS)
    print(f"FER2013 val, FER+ majority: {int((truth >= 0).sum())} faces; recall per class {LABELS}")
    each = []
    for path in args.models:
        p = teacher_probabilities([path], images)  # mirror-averaged
        each.append(p)
        acc, f1, rec = scores(p, truth)
        print(f"{os.path.basename(path):28s} (+mirror) acc {acc:.4f}  macro-F1 {f1:.3f}  recall {np.round(rec, 3).tolist()}")
    if len(each) > 1:
        acc, f1, rec = scores(np.mean(each, 0), truth)
        print(f"{'ensemble mean':28s} (+mirror) acc {acc:.4f}  macro-F1 {f1:.3f}  recall {np.round(rec, 3).tolist()}")


if __name__ == "__main__":
    main()
