#!/usr/bin/env python3
"""Soak benchmark (issue 4): a long run at full speed with the HTTP endpoint scraped all along.

    python3 Tests/Benchmarks/soak.py [--frames 1000000] [--scrape-interval 1]     (./dev.sh soak [FRAMES])

Runs the release binary on the 4-face clip (Tests/Benchmarks/make_clips.sh; 320x240 by default, --clip
four_faces_640x480.mjpeg for the bigger one), looped at full speed,
headless, with `--http` on a free loopback port. Meanwhile it scrapes /metrics, /healthz and /api/v1/tracks
every interval, keeps one /api/v1/events stream open, and samples the process's VmRSS every 5 s.
At the end it prints a Markdown summary and exits 1 if the run failed, a scrape failed, or the resident
memory after warm-up (the first 10 % of the frames) left the band of +-5 % around its first value.
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soak_common import follow_events, free_port, metric, scrape_round, wait_for_endpoint  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def vm_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--frames", type=int, default=1_000_000)
    p.add_argument("--scrape-interval", type=float, default=1.0)
    p.add_argument("--rss-interval", type=float, default=5.0)
    p.add_argument("--warmup-fraction", type=float, default=0.1)
    p.add_argument("--tolerance", type=float, default=5.0, help="allowed RSS change after warm-up, percent")
    p.add_argument("--clip", default="four_faces_320x240.mjpeg",
                   help="a clip made by make_clips.sh (four_faces_320x240.mjpeg or four_faces_640x480.mjpeg) or a path")
    p.add_argument("--binary", default=os.path.join(ROOT, ".build/release/fer-live"))
    p.add_argument("--out", default=os.path.join(ROOT, ".build/bench"))
    args = p.parse_args()

    subprocess.run([os.path.join(ROOT, "Tests/Benchmarks/make_clips.sh"), args.out], check=True)
    clip = args.clip if os.sep in args.clip else os.path.join(args.out, args.clip)
    events_path = os.path.join(args.out, "soak_events.jsonl")
    port = free_port()
    cmd = [args.binary, clip, "--headless", "--loop", "--max-frames", str(args.frames), "--stats-interval", "30",
           "--log-level", "warning", "--events", events_path, "--http", f"127.0.0.1:{port}"]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env)

    # Wait for the endpoint.
    wait_for_endpoint(proc, port, started)

    stream = follow_events(proc, port, timeout=60)

    scrapes = {"metrics": 0, "healthz": 0, "tracks": 0}
    failures = []
    rss = []  # (seconds, frames analysed, MB)
    frames = 0.0
    next_rss = 0.0
    while proc.poll() is None:
        now = time.monotonic() - started
        try:
            text = scrape_round(port, scrapes, failures,
                                lambda status, body: status == 200 or json.loads(body).get("status") in ("starting", "ended"))
            frames = metric(text, "fer_live_frames_analyzed_total") or frames
        except (OSError, ValueError) as e:
            if proc.poll() is None:
                failures.append(f"scrape at {now:.0f} s: {e!r}")
        if now >= next_rss:
            mb = vm_rss_mb(proc.pid)
            if mb is not None:
                rss.append((round(now, 1), int(frames), round(mb, 1)))
                print(f"  {now:7.0f} s  {int(frames):>9} frames  RSS {mb:6.1f} MB", flush=True)
            next_rss = now + args.rss_interval
        time.sleep(args.scrape_interval)
    elapsed = time.monotonic() - started
    stream["thread"].join(timeout=5)
    if stream["error"]:
        failures.append(f"/api/v1/events: {stream['error']}")

    final = None
    with open(events_path) as f:
        for line in f:
            e = json.loads(line)
            if e["type"] == "stats" and e.get("final"):
                final = e
    if proc.returncode != 0:
        failures.append(f"fer-live exited with {proc.returncode}")
    if final is None:
        failures.append("no final stats event")
        final = {"frames": 0, "dropped": 0, "skipped": 0, "fps": 0, "cpu_percent": 0, "latency_ms": {}}

    warm = [r for r in rss if r[1] >= args.warmup_fraction * args.frames]
    if len(warm) < 2:
        failures.append("too few RSS samples after warm-up")
        base = lo = hi = last = 0.0
        drift = float("inf")
    else:
        base = warm[0][2]
        lo = min(r[2] for r in warm)
        hi = max(r[2] for r in warm)
        last = warm[-1][2]
        drift = max(abs(hi - base), abs(lo - base)) / base * 100
        if drift > args.tolerance:
            failures.append(f"RSS moved {drift:.1f} % after warm-up (allowed {args.tolerance} %)")

    summary = {
        "frames": final["frames"], "dropped": final["dropped"], "skipped": final["skipped"],
        "seconds": round(elapsed, 1), "fps": round(final["frames"] / elapsed, 1) if elapsed else 0,
        "cpu_percent": final["cpu_percent"], "latency_ms": final["latency_ms"],
        "scrapes": scrapes, "event_lines_streamed": stream["lines"],
        "rss_mb": {"first": rss[0][2] if rss else None, "after_warmup": base, "min": lo, "max": hi, "last": last,
                   "max_change_percent": round(drift, 2), "samples": rss},
        "failures": failures,
    }
    with open(os.path.join(args.out, "soak_summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print()
    print("| frames | time | fps | dropped | skipped | scrapes (metrics/healthz/tracks) | event lines streamed "
          "| RSS first → after warm-up → min/max → last MB | max change after warm-up |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| {final['frames']:,} | {elapsed / 60:.1f} min | {summary['fps']} | {final['dropped']} | {final['skipped']} "
          f"| {scrapes['metrics']}/{scrapes['healthz']}/{scrapes['tracks']} | {stream['lines']:,} "
          f"| {summary['rss_mb']['first']} → {base} → {lo}/{hi} → {last} | {drift:.2f} % |")
    for failure in failures[:20]:
        print("FAIL:", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
