#!/usr/bin/env bash
# `fer-live report` on a week of events from 4 cameras (~1 M lines, Tests/Benchmarks/event_log_generator.py):
# wall time and peak memory on one core, and the same for one day, to show that memory stays flat.
#   Tests/Benchmarks/report_bench.sh [WORKDIR]     (default /tmp/fer-live-report-bench; needs a release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-/tmp/fer-live-report-bench}"
bin=.build/release/fer-live
[ -x "$bin" ] || { echo "report_bench.sh: build first: swift build -c release --product fer-live" >&2; exit 1; }
if [ ! -f "$work/week/camera3/events.jsonl" ]; then
    python3 Tests/Benchmarks/event_log_generator.py "$work/week" --cameras 4 --days 7 --faces-per-hour 420
    python3 Tests/Benchmarks/event_log_generator.py "$work/day" --cameras 4 --days 1 --faces-per-hour 420
fi
cpu="$(( $(nproc) - 1 ))"  # the last core, one core only
for set in day week; do
    files=("$work/$set"/camera*/events.jsonl*)
    lines=$(for f in "${files[@]}"; do zcat -f "$f"; done | wc -l)
    /usr/bin/time -f "%e %M" -o "$work/$set.time" taskset -c "$cpu" "$bin" report "${files[@]}" \
        --out "$work/$set.html" --csv "$work/$set.csv" --bucket 1h 2>/dev/null
    read -r seconds kb < "$work/$set.time"
    echo "$set: $lines lines in ${#files[@]} logs ($(du -sh "$work/$set" | cut -f1) on disk): $seconds s on one core, peak RSS $((kb / 1024)) MB"
done
