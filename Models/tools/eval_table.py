#!/usr/bin/env python3
"""Every shipped classifier under both label sets, as the Markdown table of Models/README.md.

    python3 Models/tools/eval_table.py [--fer-live .build/release/fer-live] [--val ../shared/data/fer2013/val]
        [--votes ../shared/data/fer2013/ferplus_votes.csv] [--confusion-dir Models/emotion]

Runs `fer-live eval --json` on val for each `Models/emotion/*.onnx`, once against the folder labels (FER2013's
single annotator) and once with `--labels VOTES` (the FER+ majority of 10 taggers), and prints accuracy,
macro-F1, per-class recall and the soft agreement. With --confusion-dir it also draws each confusion matrix
(plot_confusion.py) as NAME_confusion.svg and NAME_ferplus_confusion.svg.
"""
import argparse
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))


def run_eval(fer_live, name, val, votes=None):
    cmd = [fer_live, "eval", "--json", "--classifier", name, val] + (["--labels", votes] if votes else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    return json.loads(out.stdout)


def row(name, report, extra=""):
    r = report["report"]
    per = r["per_class"] if "per_class" in r else None
    labels = r["labels"]
    recalls = []
    for i, label in enumerate(labels):
        cm = r["confusion_matrix"]
        support = sum(cm[i])
        recalls.append(f"{cm[i][i] / support:.3f}" if support else "–")
    f1 = r.get("macro_f1") or r.get("macro_avg", {}).get("f1")
    return f"| {name} | {extra} | {100 * r['accuracy']:.2f} % | {f1:.3f} | " + " | ".join(recalls) + " |", labels


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--fer-live", default=os.path.join(REPO, ".build", "release", "fer-live"))
    p.add_argument("--val", default=os.path.join(REPO, "..", "shared", "data", "fer2013", "val"))
    p.add_argument("--votes", default=os.path.join(REPO, "..", "shared", "data", "fer2013", "ferplus_votes.csv"))
    p.add_argument("--confusion-dir")
    args = p.parse_args(argv)
    names = sorted(os.path.splitext(os.path.basename(f))[0] for f in glob.glob(os.path.join(REPO, "Models", "emotion", "*.onnx")))
    lines, header = [], None
    for name in names:
        for label_set, votes in (("FER+ majority", args.votes), ("FER2013 folders", None)):
            report = run_eval(args.fer_live, name, args.val, votes)
            extra = label_set
            if votes:
                extra += f" (n {report['report']['n']}, soft agreement {report['soft_agreement']:.3f})"
            line, labels = row(name, report, extra)
            header = labels
            lines.append(line)
            if args.confusion_dir:
                path = os.path.join(args.confusion_dir, f"{name}{'_ferplus' if votes else ''}_confusion.svg")
                tmp = path + ".json"
                with open(tmp, "w") as f:
                    json.dump(report, f)
                subprocess.run([sys.executable, os.path.join(HERE, "plot_confusion.py"), tmp, path,
                                "--title", f"{name}, {label_set} (val): accuracy {100 * report['report']['accuracy']:.2f} %"],
                               check=True)
                os.remove(tmp)
    print("| model | labels | accuracy | macro-F1 | " + " | ".join(header) + " |")
    print("|---|---|---|---|" + "---|" * len(header))
    print("\n".join(lines))
    print("\n(per-class columns: recall)")


if __name__ == "__main__":
    main(sys.argv[1:])
