#!/usr/bin/env bash
# Live-pipeline benchmarks (issue 3), on the release binary. Prints one Markdown table row per case.
#   Tests/Benchmarks/live_pipeline.sh [SECONDS]     (default 60 s per real-time case)
# Makes its clips with Debian's ffmpeg under .build/bench (not committed):
#   four_faces_640x480.mjpeg  4 faces from the committed fixtures, moving, 640x480, 30 fps, MJPEG q5
#   pedestrians_1080p.mjpeg   ../shared/media/pedestrians_1080p.mp4 re-encoded as MJPEG (1920x1080)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-60}
BIN=.build/release/fer-live
OUT=.build/bench
mkdir -p "$OUT"
export OPENBLAS_NUM_THREADS=1
[ -x "$BIN" ] || swift build -c release --product fer-live

Tests/Benchmarks/make_clips.sh "$OUT"
FOUR="$OUT/four_faces_640x480.mjpeg"
PED="$OUT/pedestrians_1080p.mjpeg"

# The final stats event of an events file, as a table row.
summarise() {  # name file
    python3 - "$1" "$2" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
final = None
rss = []
for line in open(path):
    e = json.loads(line)
    if e["type"] == "stats":
        rss.append(e["rss_mb"])
        if e.get("final"): final = e
if final is None:
    sys.exit(f"{name}: no final stats event in {path}")
l = final["latency_ms"]; st = final["stage_ms"]
print(f"| {name} | {final['frames']} | {final['fps']} | {final['dropped']} | {final['skipped']} | "
      f"{final['cpu_percent']} | {l['p50']} | {l['p99']} | {l['max']} | "
      f"{st['decode']} / {st['detect']} / {st['track']} / {st['classify']} | {final['rss_mb']} |")
if len(rss) > 2:
    warm = rss[1]
    print(f"<!-- {name}: rss_mb series {rss} -->")
PY
}

echo "| case | frames | fps | dropped | skipped | CPU % of one core | latency p50 ms | p99 | max | decode / detect / track / classify ms per frame | RSS MB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"

"$BIN" "$FOUR" --headless --realtime --loop --duration "$SECS" --stats-interval 0 --log-level warning \
    --events "$OUT/four_faces_headless.jsonl.tmp" && mv "$OUT/four_faces_headless.jsonl.tmp" "$OUT/four_faces_headless.jsonl"
summarise "640x480 30 fps, 4 faces, headless" "$OUT/four_faces_headless.jsonl"

if command -v Xvfb >/dev/null; then
    Xvfb :97 -screen 0 1280x720x24 -nolisten tcp >/dev/null 2>&1 &
    XPID=$!
    sleep 1
    DISPLAY=:97 "$BIN" "$FOUR" --realtime --loop --duration "$SECS" --stats-interval 0 --log-level warning \
        --events "$OUT/four_faces_window.jsonl.tmp" && mv "$OUT/four_faces_window.jsonl.tmp" "$OUT/four_faces_window.jsonl"
    kill $XPID
    summarise "640x480 30 fps, 4 faces, overlay window (Xvfb)" "$OUT/four_faces_window.jsonl"
fi

if [ -s "$PED" ]; then
    "$BIN" "$PED" --headless --realtime --loop --fps 30 --duration "$SECS" --stats-interval 0 --log-level warning \
        --events "$OUT/ped1080.jsonl.tmp" && mv "$OUT/ped1080.jsonl.tmp" "$OUT/ped1080.jsonl"
    summarise "1920x1080 MJPEG 30 fps, 5-10 faces, headless" "$OUT/ped1080.jsonl"
fi

# Memory: the 4-face clip looped at full speed; RSS from each 5 s stats event.
"$BIN" "$FOUR" --headless --loop --duration "$((SECS * 2))" --stats-interval 5 --log-level warning \
    --events "$OUT/soak.jsonl.tmp" && mv "$OUT/soak.jsonl.tmp" "$OUT/soak.jsonl"
summarise "640x480 full speed, looped, $((SECS * 2)) s (memory)" "$OUT/soak.jsonl"

# Tracking quality: boxes tracked with --detect-every 5 against detecting every frame.
if [ -s "$PED" ]; then
    echo
    "$BIN" bench tracking "$PED" --fps 25 --detect-every 5
fi
