#!/usr/bin/env python3
"""Faulted soak (issue 17): a million camera frames with faults on a schedule, and what they cost.

    python3 Tests/Benchmarks/faulted_soak.py [--frames 1000000]          (./dev.sh soak --faults [FRAMES])

fer-live runs headless on an emulated V4L2 camera (FER_LIVE_V4L2_EMULATION: the real capture code, the kernel
side emulated at the ioctl boundary) that streams the 4-face clip at 320x240, --fps frames a second, with
--http on a free loopback port and --events to a file. Meanwhile, on a schedule:

  - the camera is unplugged for --unplug-for seconds every --unplug-every seconds (fer-live waits and resumes);
  - a burst of --corrupt-burst garbage frames comes every --corrupt-every seconds (skipped and counted);
  - the event log is rotated every --rotate-every seconds (rename + SIGHUP, as logrotate does);
  - --stuck-clients clients open /api/v1/events and never read, and as many send half a request and stop;
    every --rotate-every seconds they are replaced by fresh ones (the old sockets are closed);
  - one well-behaved client follows /api/v1/events, and /metrics, /healthz and /api/v1/tracks are scraped
    every --scrape-interval seconds.

Every 5 s the script samples the process's resident memory, open file descriptors and threads. At the end it
reads every rotated log back and checks that no event was lost: the final stats event says how many events
were published before it ("events"), and the log files must hold exactly that many lines before it; every
track that started must have ended. It prints a Markdown summary, writes soak_faults_summary.json, and exits 1
if an event was lost, fer-live failed, a scrape failed, or memory, descriptors or threads grew after warm-up
(the first --warmup-fraction of the frames) beyond the tolerances.
"""
import argparse
import glob
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soak_common import follow_events, free_port, get, metric, scrape_round, wait_for_endpoint  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def proc_figures(pid):
    """(resident MB, open descriptors, threads) of a running process, or None once it is gone."""
    try:
        rss = threads = None
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
                elif line.startswith("Threads:"):
                    threads = int(line.split()[1])
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        return rss, fds, threads
    except OSError:
        return None


def split_mjpeg(path, limit):
    """The first `limit` JPEGs of an MJPEG stream (ffmpeg writes them back to back)."""
    data = open(path, "rb").read()
    frames, start = [], data.find(b"\xff\xd8")
    while start >= 0 and len(frames) < limit:
        end = data.find(b"\xff\xd9", start)
        if end < 0:
            break
        frames.append(data[start:end + 2])
        start = data.find(b"\xff\xd8", end + 2)
    return frames


def camera(out, clip, fps, pictures):
    """Writes the emulated camera (frames played forward then back, so tracks do not jump), returns (spec, control)."""
    folder = os.path.join(out, "soak_camera")
    os.makedirs(folder, exist_ok=True)
    names = []
    for i, jpeg in enumerate(split_mjpeg(clip, pictures)):
        name = f"f{i:03d}.jpg"
        with open(os.path.join(folder, name), "wb") as f:
            f.write(jpeg)
        names.append(name)
    if len(names) < 2:
        sys.exit(f"soak: {clip}: no frames")
    control = os.path.join(folder, "camera.control")
    with open(control, "w") as f:
        f.write("present\n")
    spec = os.path.join(folder, "spec.json")
    with open(spec, "w") as f:
        json.dump({"devices": [{
            "path": "/dev/video0", "byId": "usb-Soak_Camera-video-index0", "card": "Soak Camera",
            "formats": [{"format": "mjpeg", "sizes": [{"width": 320, "height": 240, "fps": [fps]}]}],
            "frames": names + names[-2:0:-1], "control": control, "clock": "realtime"}]}, f)
    return spec, control


class StuckClients:
    """HTTP clients that misbehave: they ask for /api/v1/events and never read, or send half a request."""

    def __init__(self, port, count):
        self.port, self.count, self.sockets, self.opened, self.errors = port, count, [], 0, 0

    def replace(self):
        for s in self.sockets:
            s.close()
        self.sockets = []
        for i in range(2 * self.count):
            try:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fills fast: the server must not block
                if i % 2 == 0:
                    s.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: soak\r\n\r\n")
                else:
                    s.sendall(b"GET /metrics HTTP/1.1\r\nHo")
                self.sockets.append(s)
                self.opened += 1
            except OSError:
                self.errors += 1

    def close(self):
        for s in self.sockets:
            s.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--frames", type=int, default=1_000_000, help="camera frames to capture (--max-frames)")
    p.add_argument("--fps", type=int, default=400, help="the emulated camera's frame rate")
    p.add_argument("--pictures", type=int, default=100, help="clip frames the camera plays (forward, then back)")
    p.add_argument("--unplug-every", type=float, default=180)
    p.add_argument("--unplug-for", type=float, default=5)
    p.add_argument("--corrupt-every", type=float, default=120)
    p.add_argument("--corrupt-burst", type=int, default=50)
    p.add_argument("--rotate-every", type=float, default=60)
    p.add_argument("--stuck-clients", type=int, default=8)
    p.add_argument("--scrape-interval", type=float, default=1.0)
    p.add_argument("--warmup-fraction", type=float, default=0.1)
    p.add_argument("--rss-tolerance", type=float, default=5.0, help="allowed RSS change after warm-up, percent")
    p.add_argument("--fd-tolerance", type=int, default=4, help="allowed growth of open descriptors after warm-up")
    p.add_argument("--thread-tolerance", type=int, default=4, help="allowed growth of threads after warm-up")
    p.add_argument("--binary", default=os.path.join(ROOT, ".build/release/fer-live"))
    p.add_argument("--out", default=os.path.join(ROOT, ".build/bench"))
    args = p.parse_args()

    subprocess.run([os.path.join(ROOT, "Tests/Benchmarks/make_clips.sh"), args.out], check=True)
    spec, control = camera(args.out, os.path.join(args.out, "four_faces_320x240.mjpeg"), args.fps, args.pictures)
    events_path = os.path.join(args.out, "soak_faults_events.jsonl")
    for old in glob.glob(events_path + "*"):
        os.remove(old)
    port = free_port()
    cmd = [args.binary, "/dev/video0", "--headless", "--wait-for-camera", "--size", "320x240", "--fps", str(args.fps),
           "--max-frames", str(args.frames), "--stats-interval", "30", "--log-level", "warning",
           "--events", events_path, "--http", f"127.0.0.1:{port}", "--models", os.path.join(ROOT, "Models")]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", FER_LIVE_V4L2_EMULATION=spec)
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env)

    wait_for_endpoint(proc, port, started)

    stream = follow_events(proc, port, timeout=120)

    faults = {"unplugs": 0, "corrupt_frames": 0, "rotations": 0}
    recovery = []  # seconds from plugging the camera back in to fer-live streaming again
    stuck = StuckClients(port, args.stuck_clients)
    stuck.replace()
    stop = threading.Event()

    def schedule():
        t0 = time.monotonic()
        next_unplug, next_corrupt, next_rotate = args.unplug_every, args.corrupt_every, args.rotate_every
        while not stop.wait(0.2):
            now = time.monotonic() - t0
            if now >= next_unplug:
                with open(control, "w") as f:
                    f.write("absent\n")
                stop.wait(args.unplug_for)
                with open(control, "w") as f:
                    f.write("present\n")
                faults["unplugs"] += 1
                # The control file holds one command: the next may only be written once the camera is back
                # (the emulator reads the file when fer-live touches the device, here at its next reopen).
                plugged = time.monotonic()
                while not stop.wait(0.1):
                    try:
                        if metric(get(port, "/metrics")[1].decode(), "fer_live_source_up") == 1:
                            break
                    except OSError:
                        pass
                recovery.append(round(time.monotonic() - plugged, 2))
                next_unplug += args.unplug_every
            if now >= next_corrupt:
                with open(control, "w") as f:
                    f.write(f"corrupt {args.corrupt_burst} #{faults['corrupt_frames']}\n")
                faults["corrupt_frames"] += args.corrupt_burst
                next_corrupt += args.corrupt_every
            if now >= next_rotate:
                os.rename(events_path, f"{events_path}.{faults['rotations'] + 1:04d}")
                proc.send_signal(signal.SIGHUP)
                faults["rotations"] += 1
                stuck.replace()
                next_rotate += args.rotate_every

    scheduler = threading.Thread(target=schedule, daemon=True)
    scheduler.start()

    scrapes = {"metrics": 0, "healthz": 0, "tracks": 0, "healthz_503": 0}
    failures = []
    samples = []  # (seconds, frames captured, RSS MB, descriptors, threads)
    captured = 0.0
    last_metrics = ""
    next_sample = 0.0
    def healthz_ok(status, body):
        if status == 503:
            scrapes["healthz_503"] += 1  # while the camera is unplugged, or at the end
        return status in (200, 503)

    while proc.poll() is None:
        now = time.monotonic() - started
        try:
            last_metrics = scrape_round(port, scrapes, failures, healthz_ok)
            captured = metric(last_metrics, "fer_live_frames_captured_total") or captured
        except (OSError, ValueError) as e:
            if proc.poll() is None:
                failures.append(f"scrape at {now:.0f} s: {e!r}")
        if now >= next_sample:
            figures = proc_figures(proc.pid)
            if figures and figures[0] is not None:
                samples.append((round(now, 1), int(captured)) + tuple(round(x, 1) for x in figures))
                print(f"  {now:7.0f} s  {int(captured):>9} frames  RSS {figures[0]:6.1f} MB  "
                      f"fds {figures[1]:3d}  threads {figures[2]:3d}  faults {faults}", flush=True)
            next_sample = now + 5
        time.sleep(args.scrape_interval)
    elapsed = time.monotonic() - started
    stop.set()
    scheduler.join(timeout=args.unplug_for + 5)
    stuck.close()
    if stream["error"]:
        failures.append(f"/api/v1/events: {stream['error']}")
    if proc.returncode != 0:
        failures.append(f"fer-live exited with {proc.returncode}")

    # Every log file, oldest first: rotated ones by number, then the current one.
    files = sorted(glob.glob(events_path + ".*")) + ([events_path] if os.path.exists(events_path) else [])
    lines, bad_lines, final, starts, ends, waits = 0, 0, None, set(), set(), 0
    for path in files:
        with open(path) as f:
            for line in f:
                try:
                    e = json.loads(line)
                except ValueError:
                    bad_lines += 1
                    continue
                lines += 1
                kind = e.get("type")
                if kind == "stats" and e.get("final"):
                    final = e
                    final_index = lines
                elif kind == "track_start":
                    starts.add(e["track"])
                elif kind == "track_end":
                    ends.add(e["track"])
                elif kind == "source" and e.get("state") == "waiting":
                    waits += 1
    if final is None:
        failures.append("no final stats event")
        final, final_index = {"frames": 0, "captured": 0, "dropped": 0, "skipped": 0, "events": -1}, 0
    lost = final.get("events", -1) - (final_index - 1)
    if lost != 0:
        failures.append(f"{lost} events lost (final stats say {final.get('events')} before them, the logs hold "
                        f"{final_index - 1})")
    if bad_lines:
        failures.append(f"{bad_lines} log lines are not JSON")
    unended = starts - ends
    if unended:
        failures.append(f"{len(unended)} tracks started and never ended")
    if any(r > 30 for r in recovery):
        failures.append(f"the camera took {max(recovery)} s to come back after a replug")
    if waits < faults["unplugs"]:
        failures.append(f"{faults['unplugs']} unplugs but {waits} waiting events")
    if final.get("skipped", 0) < faults["corrupt_frames"] * 0.5:
        failures.append(f"{faults['corrupt_frames']} corrupt frames sent but {final.get('skipped')} skipped")

    warm = [s for s in samples if s[1] >= args.warmup_fraction * args.frames]
    growth = {}
    if len(warm) < 2:
        failures.append("too few samples after warm-up")
    else:
        for name, column, tolerance in (("rss_mb", 2, None), ("fds", 3, args.fd_tolerance),
                                        ("threads", 4, args.thread_tolerance)):
            base, values = warm[0][column], [s[column] for s in warm]
            growth[name] = {"first": samples[0][column], "after_warmup": base, "min": min(values),
                            "max": max(values), "last": values[-1]}
            if tolerance is None:
                change = max(abs(max(values) - base), abs(min(values) - base)) / base * 100
                growth[name]["max_change_percent"] = round(change, 2)
                if change > args.rss_tolerance:
                    failures.append(f"RSS moved {change:.1f} % after warm-up (allowed {args.rss_tolerance} %)")
            elif max(values) - base > tolerance:
                failures.append(f"{name} grew from {base} to {max(values)} after warm-up (allowed +{tolerance})")

    summary = {
        "frames_captured": final.get("captured"), "frames_analyzed": final.get("frames"),
        "dropped": final.get("dropped"), "skipped": final.get("skipped"), "seconds": round(elapsed, 1),
        "fps_analyzed": round(final.get("frames", 0) / elapsed, 1) if elapsed else 0,
        "faults": faults, "recovery_seconds": {"max": max(recovery, default=None), "all": recovery},
        "stuck_clients_opened": stuck.opened, "stuck_client_errors": stuck.errors,
        "log_files": len(files), "event_lines": lines, "events_lost": lost, "tracks": len(starts),
        "waiting_events": waits, "scrapes": scrapes, "event_lines_streamed": stream["lines"],
        "http_events_dropped": metric(last_metrics, "fer_live_http_events_dropped_total"),
        "growth": growth, "samples": samples, "failures": failures,
    }
    with open(os.path.join(args.out, "soak_faults_summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print()
    print("| frames captured / analysed | time | dropped | skipped | unplugs (slowest recovery) | corrupt frames "
          "| log rotations | stuck clients | events lost | RSS MB after warm-up → min/max → last | fds | threads |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    g = lambda k: growth.get(k, {})
    print(f"| {final.get('captured', 0):,} / {final.get('frames', 0):,} | {elapsed / 60:.1f} min "
          f"| {final.get('dropped')} | {final.get('skipped')} | {faults['unplugs']} ({max(recovery, default=0)} s) "
          f"| {faults['corrupt_frames']} "
          f"| {faults['rotations']} | {stuck.opened} | {lost} "
          f"| {g('rss_mb').get('after_warmup')} → {g('rss_mb').get('min')}/{g('rss_mb').get('max')} → "
          f"{g('rss_mb').get('last')} | {g('fds').get('after_warmup')} → max {g('fds').get('max')} "
          f"| {g('threads').get('after_warmup')} → max {g('threads').get('max')} |")
    for failure in failures[:20]:
        print("FAIL:", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
