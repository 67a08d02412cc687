#!/usr/bin/env python3
"""Writes event logs that mimic fer-live's (README "Events"): several cameras, days of opening hours.

Each camera gets one log per day, rotated as logrotate leaves them (the newest plain, older ones .gz:
events.jsonl, events.jsonl.1.gz, ...), with the lines fer-live writes: `source` at the start of each
day, `track_start`, `emotion` (the first label, then a change every few seconds at most once a second),
`track_end` with dwell and emotion shares, and `stats` every 10 s. Faces arrive as a Poisson process
whose rate follows the hour of day (busy at lunch and late afternoon), stay a log-normal time (median
8 s) and move between labels by a fixed Markov chain. Seeded: the same arguments give the same bytes.

  python3 Tests/Benchmarks/event_log_generator.py OUT_DIR --cameras 4 --days 7 --faces-per-hour 420
  (about 1 M lines: the issue's "a week of events from 4 cameras")
"""
import argparse
import gzip
import json
import math
import os
import random

LABELS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
# Where a face's label goes next (uncertain included), roughly as a kiosk sees it.
NEXT = {
    "neutral": [("happy", 4), ("uncertain", 2), ("sad", 1.2), ("surprise", 0.6), ("angry", 0.5), ("fear", 0.2), ("disgust", 0.1)],
    "happy": [("neutral", 5), ("surprise", 0.8), ("uncertain", 1)],
    "sad": [("neutral", 4), ("uncertain", 1.5), ("angry", 0.4)],
    "surprise": [("happy", 2), ("neutral", 2), ("fear", 0.4)],
    "angry": [("neutral", 3), ("disgust", 0.4), ("uncertain", 1)],
    "fear": [("neutral", 2), ("surprise", 1)],
    "disgust": [("neutral", 2), ("angry", 1)],
    "uncertain": [("neutral", 4), ("happy", 2), ("sad", 1)],
}
FIRST = [("neutral", 5), ("happy", 3), ("uncertain", 2), ("sad", 1), ("surprise", 0.5), ("angry", 0.4)]
HOURLY = [0, 0, 0, 0, 0, 0, 0, 0.2, 0.6, 0.8, 0.9, 1.0, 1.4, 1.3, 0.9, 0.8, 1.0, 1.3, 1.2, 0.7, 0.3, 0, 0, 0]


def pick(rng, options):
    total = sum(w for _, w in options)
    x = rng.random() * total
    for label, w in options:
        x -= w
        if x <= 0:
            return label
    return options[-1][0]


def iso(seconds):
    whole = int(seconds)
    millis = int(round((seconds - whole) * 1000))
    if millis == 1000:
        whole, millis = whole + 1, 0
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + ".%03dZ" % millis


def line(obj):
    return json.dumps(obj, separators=(",", ":"))


def day_events(rng, source, day_start, faces_per_hour, model):
    """(wall time, line) for one camera-day; the stream starts at 07:00 UTC."""
    origin = day_start + 7 * 3600
    events = [(origin, line({"type": "source", "time": iso(origin), "source": source, "state": "streaming",
                             "detail": "streaming 640x480 mjpeg 30 fps", "model": model}))]
    track = 0
    for hour in range(7, 21):
        rate = HOURLY[hour] * faces_per_hour / 3600.0
        t = day_start + hour * 3600
        while rate > 0:
            t += rng.expovariate(rate)
            if t >= day_start + (hour + 1) * 3600:
                break
            track += 1
            dwell = min(600.0, rng.lognormvariate(math.log(8), 0.9))
            st = t - origin
            box = {"x": round(rng.uniform(0, 560), 1), "y": round(rng.uniform(0, 380), 1), "width": 64.0, "height": 80.0}
            events.append((t, line({"type": "track_start", "time": iso(t), "source": source, "t": round(st, 3),
                                    "frame": int(st * 30), "track": track, "box": box})))
            label, previous, at, shares = pick(rng, FIRST), None, 0.0, {}
            while at < dwell:
                hold = max(1.0, rng.expovariate(1 / 4.0))
                probs = {k: round(rng.random() / 7, 3) for k in LABELS}
                wall = t + at
                events.append((wall, line({"type": "emotion", "time": iso(wall), "source": source, "t": round(st + at, 3),
                                           "frame": int((st + at) * 30), "track": track, "emotion": label,
                                           "uncertain": label == "uncertain", "confidence": round(rng.uniform(0.3, 0.95), 3),
                                           "previous": previous, "probabilities": probs, "box": box})))
                shares[label] = shares.get(label, 0) + min(hold, dwell - at)
                previous, label = label, pick(rng, NEXT[label])
                at += hold
            end = t + dwell
            share = {k: round(v / dwell, 3) for k, v in sorted(shares.items(), key=lambda kv: -kv[1])}
            events.append((end, line({"type": "track_end", "time": iso(end), "source": source, "t": round(st + dwell, 3),
                                      "track": track, "reason": "lost", "dwell_seconds": round(dwell, 3),
                                      "first_seen": round(st, 3), "last_seen": round(st + dwell, 3),
                                      "dominant_emotion": max(share, key=share.get), "emotion_share": share,
                                      "mean_confidence": 0.7})))
    frames = 0
    for k in range(1, 14 * 360 + 1):  # stats every 10 s from 07:00 to 21:00
        wall = origin + 10 * k
        frames += 300
        events.append((wall, line({"type": "stats", "time": iso(wall), "source": source, "t": 10.0 * k, "seconds": 10,
                                   "fps": 30, "frames": frames, "captured": frames, "dropped": 0, "skipped": 0,
                                   "faces": 1, "tracks": track,
                                   "latency_ms": {"mean": 21.5, "p50": 20.1, "p95": 30.2, "p99": 35.0, "max": 40.1},
                                   "stage_ms": {"decode": 1.2, "detect": 3.1, "track": 0.2, "classify": 0.9},
                                   "cpu_percent": 42.0, "rss_mb": 60.2})))
    events.sort(key=lambda e: e[0])
    return [e[1] for e in events]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--cameras", type=int, default=4)
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--faces-per-hour", type=float, default=420, help="at the busiest-hour weight 1.0")
    ap.add_argument("--start", default="2026-11-23", help="first day (UTC)")
    ap.add_argument("--model", default="ferplus_resnet24")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    import calendar
    import time
    first_day = calendar.timegm(time.strptime(args.start, "%Y-%m-%d"))
    total = 0
    for c in range(args.cameras):
        folder = os.path.join(args.out, "camera%d" % c)
        os.makedirs(folder, exist_ok=True)
        rng = random.Random(args.seed * 1000 + c)
        for d in range(args.days):
            lines = day_events(rng, "/dev/video%d" % (2 * c), first_day + 86400 * d, args.faces_per_hour, args.model)
            total += len(lines)
            age = args.days - 1 - d
            text = "\n".join(lines) + "\n"
            if age == 0:
                with open(os.path.join(folder, "events.jsonl"), "w") as f:
                    f.write(text)
            else:
                with gzip.open(os.path.join(folder, "events.jsonl.%d.gz" % age), "wt", compresslevel=6) as f:
                    f.write(text)
    print("%d lines, %d cameras, %d days in %s" % (total, args.cameras, args.days, args.out))


if __name__ == "__main__":
    main()
