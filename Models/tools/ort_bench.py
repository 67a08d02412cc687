#!/usr/bin/env python3
"""Time ONNX Runtime (one thread) on the shipped models; optionally compare with fer-live.

Usage: ort_bench.py [--models DIR] [--runs N] [--fer-live PATH [--rounds 5]] [--json]
       ort_bench.py --big --fer-live PATH [--threads 1 2] [--rounds 3] [--cache DIR]

Cases: every classifier in Models/emotion at the input size of its manifest (e.g. mini_xception
1x1x64x64, fer_resnet24 1x1x48x48; inputs uniform in [-1, 1], 200 runs by default) and yunet_s
at 1x3x256x320 and 1x3x480x640 (inputs uniform in [0, 255], 100 runs by default); inputs are
seeded. Each case warms up first, then reports the median and 90th percentile of per-call
wall time of `session.run` (includes ~10-30 us of Python overhead). ONNX Runtime runs on the
CPU with one intra-op and one inter-op thread, sequential execution, default optimisations.

With --big (and --fer-live), it times instead the backbones of popular emotion models at 1x3x224x224,
ResNet50 and MobileNetV2, built with random weights by backbones.py into --cache (default
/tmp/fer-live-backbones; about 115 MB, not committed), at 1 and at 2 threads (--threads) on both
sides: ORT with that many intra-op threads, fer-live with `bench --model M --shape S --threads N`.

With --fer-live PATH it also runs `PATH bench --json --classifier NAME` for each classifier
(env OPENBLAS_NUM_THREADS=1), which
must print {"results": [{"model", "input", "median_ms", "p90_ms"}, ...]}, and prints a
side-by-side table with the ratio fer-live / ORT. The two engines alternate in --rounds rounds
(the host's speed drifts by up to 3x over minutes); the ratio is the median of the per-round
ratios, each side's time the median of its round medians.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))
DETECTOR_CASES = [
    # (model name, relative path, input shape, value range, default runs)
    ("yunet_s", "detection/yunet_s.onnx", (1, 3, 256, 320), (0.0, 255.0), 100),
    ("yunet_s", "detection/yunet_s.onnx", (1, 3, 480, 640), (0.0, 255.0), 100),
]


def classifier_names(models_dir):
    """The shipped classifiers: Models/emotion/*.onnx that have a manifest beside them."""
    folder = os.path.join(models_dir, "emotion")
    if not os.path.isdir(folder):
        raise SystemExit(f"ort_bench: {folder}: no such folder (use --models DIR)")
    return sorted(f[:-5] for f in os.listdir(folder)
                  if f.endswith(".onnx") and os.path.isfile(os.path.join(folder, f[:-5] + ".json")))


def cases(models_dir):
    """Each classifier at its manifest's input size, then the detector cases."""
    out = []
    for name in classifier_names(models_dir):
        manifest_path = os.path.join(models_dir, "emotion", name + ".json")
        try:
            with open(manifest_path) as f:
                inp = json.load(f)["input"]
            channels = 1 if inp.get("color", "gray") == "gray" else 3
            shape = (1, channels, int(inp["height"]), int(inp["width"]))
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise SystemExit(f"ort_bench: {manifest_path}: not a classifier manifest ({e!r})")
        out.append((name, f"emotion/{name}.onnx", shape, (-1.0, 1.0), 200))
    return out + DETECTOR_CASES


def shape_text(shape):
    return "x".join(str(d) for d in shape)


def session(path):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


def bench_ort(models_dir, runs_override):
    results, sessions = [], {}
    for seed, (name, rel, shape, (lo, hi), default_runs) in enumerate(cases(models_dir)):
        path = os.path.join(models_dir, rel)
        if not os.path.isfile(path):
            raise SystemExit(f"ort_bench: {path}: model file not found (use --models DIR)")
        sess = sessions.setdefault(path, session(path))
        x = np.random.default_rng(seed).uniform(lo, hi, size=shape).astype(np.float32)
        feed = {sess.get_inputs()[0].name: x}
        outputs = [o.name for o in sess.get_outputs()]
        runs = runs_override or default_runs
        for _ in range(max(10, runs // 10)):
            sess.run(outputs, feed)
        times = np.empty(runs)
        for i in range(runs):
            t0 = time.perf_counter()
            sess.run(outputs, feed)
            times[i] = (time.perf_counter() - t0) * 1e3
        results.append({"model": name, "input": shape_text(shape), "runs": runs,
                        "median_ms": float(np.median(times)), "p90_ms": float(np.percentile(times, 90))})
    return results


def run_fer_live_all(path, models_dir, runs=None):
    """fer-live's results for every shipped classifier (and, once, the detector cases)."""
    results, seen = [], set()
    for name in classifier_names(models_dir):
        for r in run_fer_live(path, runs, classifier=name):
            if (r["model"], r["input"]) not in seen:
                seen.add((r["model"], r["input"]))
                results.append(r)
    return results


def run_fer_live(path, runs=None, classifier=None):
    """Return fer-live's results list, or raise SystemExit with a one-line reason."""
    if not os.path.exists(path):
        raise SystemExit(f"ort_bench: --fer-live {path}: no such file (build fer-live first, "
                         f"e.g. swift build -c release)")
    if not os.access(path, os.X_OK):
        raise SystemExit(f"ort_bench: --fer-live {path}: not executable")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    try:
        extra = ["--runs", str(runs), "--models-only"] if runs else []
        extra += ["--classifier", classifier] if classifier else []
        proc = subprocess.run([path, "bench", "--json"] + extra, env=env, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        raise SystemExit(f"ort_bench: {path} bench --json: no answer within 600 s")
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        raise SystemExit(f"ort_bench: {path} bench --json exited {proc.returncode}: {last}")
    try:
        results = json.loads(proc.stdout)["results"]
        return [{"model": r["model"], "input": r["input"], "median_ms": float(r["median_ms"]),
                 "p90_ms": float(r["p90_ms"])} for r in results]
    except (ValueError, KeyError, TypeError) as e:
        raise SystemExit(f"ort_bench: {path} bench --json: output is not the expected JSON ({e!r}): "
                         f"{proc.stdout[:200]!r}")


def big_cases(cache):
    """(name, path) of the backbones, built on first use."""
    import backbones  # beside this script
    os.makedirs(cache, exist_ok=True)
    out = []
    for name, build in [("resnet50", backbones.resnet50), ("mobilenet_v2", backbones.mobilenet_v2)]:
        path = os.path.join(cache, name + ".onnx")
        if not os.path.exists(path):
            print(f"building {path}", file=sys.stderr, flush=True)
            onnx.save(build(), path)
        out.append((name, path))
    return out


def time_ort_big(path, threads, runs):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).uniform(0, 1, size=(1, 3, 224, 224)).astype(np.float32)
    feed = {sess.get_inputs()[0].name: x}
    for _ in range(3):
        sess.run(None, feed)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        sess.run(None, feed)
        times.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(times))


def time_fer_live_big(binary, path, threads, runs):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run([binary, "bench", "--json", "--model", path, "--shape", "1x3x224x224",
                           "--threads", str(threads), "--runs", str(runs)],
                          env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        raise SystemExit(f"ort_bench: {binary} bench --model {path} exited {proc.returncode}: {last}")
    return float(json.loads(proc.stdout)["results"][0]["median_ms"])


def big(args):
    """ResNet50 and MobileNetV2 at 224, ORT and fer-live alternating in rounds, per thread count."""
    sys.path.insert(0, HERE)
    rows = []
    for name, path in big_cases(args.cache):
        for threads in args.threads:
            runs = args.runs or (10 if name == "resnet50" else 40)
            ort_ms, fl_ms, ratios = [], [], []
            for r in range(args.rounds):
                o = time_ort_big(path, threads, runs)
                f = time_fer_live_big(args.fer_live, path, threads, runs)
                ort_ms.append(o)
                fl_ms.append(f)
                ratios.append(f / o)
                print(f"round {r + 1}/{args.rounds}: {name} {threads} thr {f / o:.2f}x", file=sys.stderr, flush=True)
            rows.append((name, threads, float(np.median(ort_ms)), float(np.median(fl_ms)), float(np.median(ratios)),
                         min(ratios), max(ratios)))
    print(f"\n{'model':<14} {'input':<12} {'threads':>7} {'ORT median':>11} {'fer-live median':>16} {'ratio':>7}"
          f" {'rounds':>11}")
    for name, threads, o, f, ratio, low, high in rows:
        print(f"{name:<14} {'1x3x224x224':<12} {threads:>7} {o:>11.2f} {f:>16.2f} {ratio:>7.2f} {low:>5.2f}-{high:<5.2f}")
    print("(ms; medians of the rounds; ratio = median of the per-round fer-live/ORT ratios; rounds = their range)")
    return 0


def fmt(v):
    return "-" if v is None else f"{v:.3f}"


def print_ort(results):
    print(f"ONNX Runtime {ort.__version__}, 1 intra-op thread")
    print(f"{'model':<14} {'input':<12} {'runs':>5} {'median ms':>10} {'p90 ms':>10}")
    for r in results:
        print(f"{r['model']:<14} {r['input']:<12} {r['runs']:>5} {r['median_ms']:>10.3f} {r['p90_ms']:>10.3f}")


def interleaved(args):
    """Alternate ORT and fer-live in rounds, so a change in the host's speed (it swings up to 3x
    here) hits both sides alike; report per side the median of the round medians, and the median of
    the per-round ratios."""
    rounds_ort, rounds_fl = [], []
    per_round = max(20, (args.runs or 200) // args.rounds)
    for r in range(args.rounds):
        rounds_ort.append(bench_ort(args.models, per_round))
        rounds_fl.append(run_fer_live_all(args.fer_live, args.models, per_round))
        print(f"round {r + 1}/{args.rounds}: " + ", ".join(
            f"{o['model']} {o['input']} {f['median_ms'] / o['median_ms']:.2f}x"
            for o in rounds_ort[-1] for f in rounds_fl[-1]
            if (f["model"], f["input"]) == (o["model"], o["input"])), file=sys.stderr, flush=True)

    def combine(rounds):
        out = []
        for i, first in enumerate(rounds[0]):
            out.append(dict(first, runs=sum(r[i].get("runs", per_round) for r in rounds),
                            median_ms=float(np.median([r[i]["median_ms"] for r in rounds])),
                            p90_ms=float(np.median([r[i]["p90_ms"] for r in rounds]))))
        return out

    ratios = {}
    for o_round, f_round in zip(rounds_ort, rounds_fl):
        fl = {(f["model"], f["input"]): f for f in f_round}
        for o in o_round:
            f = fl.get((o["model"], o["input"]))
            if f:
                ratios.setdefault((o["model"], o["input"]), []).append(f["median_ms"] / o["median_ms"])
    return combine(rounds_ort), combine(rounds_fl), ratios


def print_side_by_side(ort_results, fl_results, ratios=None):
    fl = {(r["model"], r["input"]): r for r in fl_results}
    keys = [(r["model"], r["input"]) for r in ort_results]
    keys += [k for k in fl if k not in keys]
    ortd = {(r["model"], r["input"]): r for r in ort_results}
    print()
    print(f"{'model':<14} {'input':<12} {'ORT median':>11} {'fer-live median':>16} {'ratio':>7}"
          f" {'ORT p90':>9} {'fer-live p90':>13} {'rounds':>11}")
    for k in keys:
        o, f = ortd.get(k), fl.get(k)
        om = o["median_ms"] if o else None
        fm = f["median_ms"] if f else None
        spread = "-"
        if ratios and k in ratios:
            ratio = f"{float(np.median(ratios[k])):.2f}"
            spread = f"{min(ratios[k]):.2f}-{max(ratios[k]):.2f}"
        else:
            ratio = f"{fm / om:.2f}" if om and fm is not None else "-"
        print(f"{k[0]:<14} {k[1]:<12} {fmt(om):>11} {fmt(fm):>16} {ratio:>7}"
              f" {fmt(o['p90_ms'] if o else None):>9} {fmt(f['p90_ms'] if f else None):>13} {spread:>11}")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default=os.path.dirname(HERE), help="the Models/ folder (default: beside tools/)")
    ap.add_argument("--runs", type=int, default=0, help="timed runs per case (default 200 classifier, 100 detector)")
    ap.add_argument("--fer-live", metavar="PATH", help="fer-live binary to compare against")
    ap.add_argument("--rounds", type=int, default=5,
                    help="with --fer-live: alternate the two engines this many times (default 5); "
                         "the ratio is the median of the per-round ratios")
    ap.add_argument("--json", action="store_true", help="print {\"ort\": [...], \"fer_live\": [...]} only")
    ap.add_argument("--big", action="store_true",
                    help="time ResNet50 and MobileNetV2 at 224 (random weights) instead; needs --fer-live")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="with --big: thread counts (default 1 2)")
    ap.add_argument("--cache", default="/tmp/fer-live-backbones", help="with --big: where the backbones are built")
    args = ap.parse_args(argv)
    if args.big:
        if not args.fer_live:
            raise SystemExit("ort_bench: --big needs --fer-live PATH")
        if not os.path.exists(args.fer_live):
            run_fer_live(args.fer_live)  # fails with the one-line reason
        return big(args)
    if args.fer_live and not os.path.exists(args.fer_live):
        run_fer_live(args.fer_live)  # fail before spending time on ORT

    ratios = None
    if args.fer_live:
        ort_results, fl_results, ratios = interleaved(args)
    else:
        ort_results, fl_results = bench_ort(args.models, args.runs), None
    if args.json:
        print(json.dumps({"ort": ort_results, "fer_live": fl_results,
                          "ratios": {f"{m} {i}": float(np.median(v)) for (m, i), v in (ratios or {}).items()}}))
        return 0
    print_ort(ort_results)
    if fl_results is not None:
        print_side_by_side(ort_results, fl_results, ratios)
        print("(medians of the rounds; ratio = median of the per-round fer-live/ORT ratios; rounds = their range)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
