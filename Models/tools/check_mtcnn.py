#!/usr/bin/env python3
"""Check fer-live's MTCNN against facenet-pytorch's own `detect_face` on real photos.

  check_mtcnn.py reference IMAGE... [--out REF.json] [--facenet DIR]
      Runs facenet-pytorch 2.6.0's MTCNN (min_face_size 20, thresholds [0.6, 0.7, 0.7],
      factor 0.709, keep_all) on each image decoded with Pillow as RGB, and writes
      {"<file name>": {"width", "height", "faces": [{"box": [x1, y1, x2, y2], "score",
      "landmarks": [[x, y] x 5]}]}}, faces sorted by score.
  check_mtcnn.py time [IMAGE...] [--runs N]
      Median time of facenet-pytorch's `MTCNN.detect` per image (and on a blank 640x480), one torch thread.
  check_mtcnn.py compare REF.json OURS.json [--tolerance PX]
      Matches each reference face to fer-live's (same file, greedy by IoU >= 0.5) and prints,
      per image and overall: faces found by each, matched, the largest box-corner and landmark
      differences in pixels and the largest score difference. Exit 1 when a face is found by
      only one side or a matched corner differs by more than --tolerance (default 3 px).

OURS.json has the same layout. fer-live writes it with its test
`MTCNNReferenceTests.testWriteDetectionsForCheck` (see Models/README.md), or from
`fer-live image --detector mtcnn --json` once converted.

facenet-pytorch is not a dependency of fer-live: install it beside torch just for this check,
without its pins (it needs only torch, torchvision's `batched_nms`, numpy and Pillow):
    pip download facenet-pytorch==2.6.0 --no-deps -d /tmp/fnp && unzip /tmp/fnp/*.whl -d /tmp/fnp/src
    pip install --no-deps --target /tmp/tvlib torchvision
    PYTHONPATH=/tmp/fnp/src:/tmp/tvlib python3 Models/tools/check_mtcnn.py reference ...
"""
import argparse
import json
import os
import sys


def load_facenet(args):
    """facenet-pytorch's MTCNN with the defaults fer-live mirrors, on one CPU thread."""
    if args.facenet:
        sys.path.insert(0, args.facenet)
    import torch

    torch.set_num_threads(1)
    # facenet_pytorch's __init__ also imports InceptionResnetV1, whose weight download needs
    # requests and tqdm. MTCNN never calls them: stand-ins are enough when they are missing.
    import importlib.machinery
    import importlib.util
    import types

    missing = {top for top in ("requests", "tqdm") if top not in sys.modules and importlib.util.find_spec(top) is None}
    for module, attribute in [("requests", None), ("requests.adapters", "HTTPAdapter"), ("tqdm", "tqdm"),
                              ("tqdm.auto", "tqdm")]:
        if module.split(".")[0] in missing:
            stub = sys.modules.setdefault(module, types.ModuleType(module))
            stub.__spec__ = importlib.machinery.ModuleSpec(module, None)
            if attribute:
                setattr(stub, attribute, object)
    import facenet_pytorch
    from facenet_pytorch import MTCNN

    mtcnn = MTCNN(keep_all=True, device="cpu", min_face_size=20, thresholds=[0.6, 0.7, 0.7], factor=0.709)
    return mtcnn, facenet_pytorch, torch


def reference(args):
    from PIL import Image

    mtcnn, facenet_pytorch, torch = load_facenet(args)
    result = {}
    for path in args.images:
        image = Image.open(path).convert("RGB")
        with torch.no_grad():
            boxes, probs, points = mtcnn.detect(image, landmarks=True)
        faces = []
        if boxes is not None:
            for box, prob, pts in zip(boxes, probs, points):
                faces.append({"box": [float(v) for v in box], "score": float(prob),
                              "landmarks": [[float(x), float(y)] for x, y in pts]})
        faces.sort(key=lambda f: -f["score"])
        result[os.path.basename(path)] = {"width": image.width, "height": image.height, "faces": faces}
        print(f"{os.path.basename(path)}: {len(faces)} faces", file=sys.stderr)
    text = dump({"reference": f"facenet-pytorch {getattr(facenet_pytorch, '__version__', '2.6.0')}, torch {torch.__version__}",
                 "images": result})
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)
    return 0


def timing(args):
    import time

    import numpy as np
    from PIL import Image

    mtcnn, _, torch = load_facenet(args)
    frames = [(os.path.basename(p), Image.open(p).convert("RGB")) for p in args.images]
    frames.append(("blank", Image.fromarray(np.full((480, 640, 3), 128, np.uint8))))
    for name, image in frames:
        with torch.no_grad():
            boxes, _ = mtcnn.detect(image)
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                mtcnn.detect(image)
                times.append((time.perf_counter() - start) * 1000)
        times.sort()
        count = 0 if boxes is None else len(boxes)
        print(f"facenet-pytorch {name} {image.width}x{image.height} ({count} faces): median {times[len(times) // 2]:.1f} ms "
              f"(min {times[0]:.1f}), torch {torch.__version__}, 1 thread")
    return 0


def dump(document):
    """JSON with one face per line, coordinates rounded to 1/1000 pixel."""
    def face(f):
        return json.dumps({"box": [round(v, 3) for v in f["box"]], "score": round(f["score"], 6),
                           "landmarks": [[round(x, 3), round(y, 3)] for x, y in f["landmarks"]]})

    lines = ["{", f' "reference": {json.dumps(document["reference"])},', ' "images": {']
    names = list(document["images"])
    for n, name in enumerate(names):
        image = document["images"][name]
        faces = ",\n".join("   " + face(f) for f in image["faces"])
        lines.append(f'  {json.dumps(name)}: {{"width": {image["width"]}, "height": {image["height"]}, "faces": ['
                     + ("\n" + faces + "\n  " if faces else "") + "]}" + ("," if n + 1 < len(names) else ""))
    lines += [" }", "}"]
    return "\n".join(lines)


def iou(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def compare(args):
    with open(args.reference) as f:
        ref = json.load(f)["images"]
    with open(args.ours) as f:
        ours = json.load(f)["images"]
    ok = True
    totals = {"ref": 0, "ours": 0, "matched": 0, "box": 0.0, "landmarks": 0.0, "score": 0.0}
    print(f"{'image':32} {'ref':>4} {'ours':>4} {'match':>5} {'box px':>7} {'lmk px':>7} {'score':>8}")
    for name in sorted(ref):
        if name not in ours:
            print(f"{name:32} missing from {args.ours}")
            ok = False
            continue
        a, b = ref[name]["faces"], ours[name]["faces"]
        pairs = sorted(((iou(fa["box"], fb["box"]), i, j) for i, fa in enumerate(a) for j, fb in enumerate(b)), reverse=True)
        used_a, used_b, matches = set(), set(), []
        for overlap, i, j in pairs:
            if overlap < 0.5 or i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            matches.append((a[i], b[j]))
        box = max((abs(x - y) for fa, fb in matches for x, y in zip(fa["box"], fb["box"])), default=0.0)
        lmk = max((max(abs(p[0] - q[0]), abs(p[1] - q[1])) for fa, fb in matches
                   for p, q in zip(fa["landmarks"], fb["landmarks"])), default=0.0)
        score = max((abs(fa["score"] - fb["score"]) for fa, fb in matches), default=0.0)
        bad = len(matches) != len(a) or len(matches) != len(b) or box > args.tolerance
        ok = ok and not bad
        print(f"{name:32} {len(a):4} {len(b):4} {len(matches):5} {box:7.2f} {lmk:7.2f} {score:8.5f}{'  MISMATCH' if bad else ''}")
        for i, fa in enumerate(a):
            if i not in used_a:
                print(f"    only in reference: box {[round(v, 1) for v in fa['box']]} score {fa['score']:.4f}")
        for j, fb in enumerate(b):
            if j not in used_b:
                print(f"    only in fer-live:  box {[round(v, 1) for v in fb['box']]} score {fb['score']:.4f}")
        totals["ref"] += len(a)
        totals["ours"] += len(b)
        totals["matched"] += len(matches)
        totals["box"] = max(totals["box"], box)
        totals["landmarks"] = max(totals["landmarks"], lmk)
        totals["score"] = max(totals["score"], score)
    print(f"{'TOTAL (' + str(len(ref)) + ' images)':32} {totals['ref']:4} {totals['ours']:4} {totals['matched']:5} "
          f"{totals['box']:7.2f} {totals['landmarks']:7.2f} {totals['score']:8.5f}")
    print("agreement: " + ("OK" if ok else "MISMATCH") + f" (tolerance {args.tolerance} px)")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("reference", help="run facenet-pytorch's MTCNN on images")
    r.add_argument("images", nargs="+")
    r.add_argument("--out")
    r.add_argument("--facenet", help="folder holding the facenet_pytorch package (unpacked wheel)")
    t = sub.add_parser("time", help="time facenet-pytorch's MTCNN (one torch thread) on images and a blank 640x480")
    t.add_argument("images", nargs="*")
    t.add_argument("--runs", type=int, default=20)
    t.add_argument("--facenet", help="folder holding the facenet_pytorch package (unpacked wheel)")
    c = sub.add_parser("compare", help="compare fer-live's detections with the reference")
    c.add_argument("reference")
    c.add_argument("ours")
    c.add_argument("--tolerance", type=float, default=3.0)
    args = parser.parse_args()
    return {"reference": reference, "time": timing, "compare": compare}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
