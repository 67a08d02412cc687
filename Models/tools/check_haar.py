#!/usr/bin/env python3
"""Check fer-live's Haar detector against OpenCV's own CascadeClassifier on real photos.

  check_haar.py reference CASCADE.xml IMAGE... [--out REF.json] [--min-neighbors N] [--scale-factor F]
                                               [--min-size PX]
      Runs OpenCV 4's `CascadeClassifier.detectMultiScale2` (defaults: scaleFactor 1.1,
      minNeighbors 3, no minSize) on each image, read with `cv2.imread` (BGR) and converted with
      `cv2.cvtColor(..., COLOR_BGR2GRAY)` as every Haar demo does, and writes
      {"opencv": VERSION, "params": {...}, "images": {"<file name>": {"width", "height",
      "faces": [{"box": [x, y, w, h], "neighbors": n}]}}}, faces sorted by neighbours then x.
      With --min-neighbors 0 the raw, ungrouped windows are written (neighbors 1 each).
  check_haar.py compare REF.json OURS.json [--tolerance PX]
      Matches each reference face to fer-live's (same file, greedy by IoU >= 0.5) and prints per
      image and overall: faces found by each, matched, the largest box-edge difference in pixels.
      Exit 1 when a face is found by only one side or a matched edge differs by more than
      --tolerance (default 3 px).

OURS.json has the same layout; fer-live's test `HaarReferenceTests.testWriteDetectionsForCheck`
writes it when FER_LIVE_HAAR_OUT is set (see Models/README.md).

OpenCV is not a dependency of fer-live: install it in a throw-away venv just for this check
(CascadeClassifier is gone from OpenCV 5, so pin 4.x):
    python3 -m venv /tmp/cv && /tmp/cv/bin/pip install "opencv-python-headless==4.12.0.88" "numpy<2.3"
"""
import argparse
import json
import os
import sys


def reference(args):
    import cv2

    cv2.setNumThreads(1)
    cascade = cv2.CascadeClassifier(args.cascade)
    if cascade.empty():
        sys.exit(f"{args.cascade}: OpenCV could not load the cascade")
    params = {"scaleFactor": args.scale_factor, "minNeighbors": args.min_neighbors,
              "minSize": [args.min_size, args.min_size]}
    images = {}
    for path in args.images:
        bgr = cv2.imread(path, cv2.IMREAD_COLOR)
        if bgr is None:
            sys.exit(f"{path}: cv2.imread failed")
        grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        boxes, counts = cascade.detectMultiScale2(grey, scaleFactor=args.scale_factor,
                                                   minNeighbors=args.min_neighbors,
                                                   minSize=(args.min_size, args.min_size))
        faces = [{"box": [int(v) for v in box], "neighbors": int(n)} for box, n in zip(boxes, counts)]
        faces.sort(key=lambda f: (-f["neighbors"], f["box"]))
        images[os.path.basename(path)] = {"width": grey.shape[1], "height": grey.shape[0], "faces": faces}
        print(f"{os.path.basename(path)}: {len(faces)} faces", file=sys.stderr)
    result = {"opencv": cv2.__version__, "cascade": os.path.basename(args.cascade), "params": params,
              "images": images}
    text = dumps(result)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


def dumps(result):
    """JSON with one line per face, so reference files stay short and diff well."""
    lines = ["{", f' "opencv": {json.dumps(result["opencv"])},', f' "cascade": {json.dumps(result["cascade"])},',
             f' "params": {json.dumps(result["params"])},', ' "images": {']
    names = sorted(result["images"])
    for k, name in enumerate(names):
        image = result["images"][name]
        lines.append(f'  {json.dumps(name)}: {{"width": {image["width"]}, "height": {image["height"]}, "faces": [')
        faces = [f'   {json.dumps(face)}' for face in image["faces"]]
        lines.append(",\n".join(faces))
        lines.append("  ]}" + ("," if k < len(names) - 1 else ""))
    lines += [" }", "}"]
    return "\n".join(line for line in lines if line)


def iou(a, b):
    ax2, ay2, bx2, by2 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    w = max(0, min(ax2, bx2) - max(a[0], b[0]))
    h = max(0, min(ay2, by2) - max(a[1], b[1]))
    inter = w * h
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def compare(args):
    ref = json.load(open(args.reference))["images"]
    ours = json.load(open(args.ours))["images"]
    ok = True
    totals = {"reference": 0, "ours": 0, "matched": 0}
    worst_overall = 0.0
    for name in sorted(set(ref) | set(ours)):
        r = ref.get(name, {}).get("faces", [])
        o = ours.get(name, {}).get("faces", [])
        pairs = sorted(((iou(a["box"], b["box"]), i, j) for i, a in enumerate(r) for j, b in enumerate(o)),
                       reverse=True)
        used_r, used_o, worst, n_diff = set(), set(), 0.0, 0
        for score, i, j in pairs:
            if score < 0.5 or i in used_r or j in used_o:
                continue
            used_r.add(i)
            used_o.add(j)
            a, b = r[i]["box"], o[j]["box"]
            edges = [a[0] - b[0], a[1] - b[1], a[0] + a[2] - b[0] - b[2], a[1] + a[3] - b[1] - b[3]]
            worst = max(worst, max(abs(e) for e in edges))
            if r[i].get("neighbors") != o[j].get("neighbors"):
                n_diff += 1
        only_r, only_o = len(r) - len(used_r), len(o) - len(used_o)
        totals["reference"] += len(r)
        totals["ours"] += len(o)
        totals["matched"] += len(used_r)
        worst_overall = max(worst_overall, worst)
        flag = ""
        if only_r or only_o or worst > args.tolerance:
            ok = False
            flag = "  <-- differs"
        print(f"{name}: opencv {len(r)}, fer-live {len(o)}, matched {len(used_r)}, "
              f"max edge diff {worst:.0f} px, neighbour counts differ {n_diff}{flag}")
    print(f"total: opencv {totals['reference']}, fer-live {totals['ours']}, matched {totals['matched']}, "
          f"max edge diff {worst_overall:.0f} px")
    sys.exit(0 if ok else 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("reference")
    r.add_argument("cascade")
    r.add_argument("images", nargs="+")
    r.add_argument("--out")
    r.add_argument("--scale-factor", type=float, default=1.1)
    r.add_argument("--min-neighbors", type=int, default=3)
    r.add_argument("--min-size", type=int, default=0)
    c = sub.add_parser("compare")
    c.add_argument("reference")
    c.add_argument("ours")
    c.add_argument("--tolerance", type=float, default=3)
    args = parser.parse_args()
    reference(args) if args.command == "reference" else compare(args)


if __name__ == "__main__":
    main()
