#!/usr/bin/env python3
"""MQTT's cost and robustness on the live pipeline, against a real Mosquitto broker on loopback.

  python3 Tests/Benchmarks/mqtt_bench.py [--seconds 60] [--outage 60]

1. CPU: the demo clip (640x360, 30 fps, 4-6 faces) in real time, `--seconds` long, with MQTT off and on;
   compares the process's CPU (the final `stats` event's cpu_percent, % of one core).
2. Outage: a run of `--outage` + 40 s with the broker stopped for `--outage` seconds in the middle; counts the
   events in fer-live's JSONL log against the events a durable subscriber received (must be equal).
3. Latency: from `frame_time` (when the event reached the publisher) to its arrival at a subscriber
   (mosquitto_sub's %U), p50 / p99 over the CPU run's events.
Needs a release build (.build/release/fer-live), mosquitto and mosquitto-clients.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, ".build", "release", "fer-live")
CLIP = os.path.join(ROOT, "Models", "demo", "pedestrians.mjpeg")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Broker:
    def __init__(self, work):
        self.port = free_port()
        self.conf = os.path.join(work, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write("listener %d 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location %s/\n"
                    "autosave_interval 1\nmax_queued_messages 0\n" % (self.port, work))
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen(["mosquitto", "-c", self.conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("mqtt_bench.py: mosquitto did not start")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait()


def subscribe(port, out, ident):
    return subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-c", "-i", ident,
                             "-t", "fer-live/+/events", "-F", "%U %p"], stdout=open(out, "w"), stderr=subprocess.DEVNULL)


def run(seconds, events, mqtt_port=None, during=None):
    args = [BIN, CLIP, "--headless", "--realtime", "--loop", "--duration", str(seconds), "--events", events]
    if mqtt_port:
        args += ["--mqtt", "mqtt://127.0.0.1:%d" % mqtt_port]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, OPENBLAS_NUM_THREADS="1"))
    if during:
        during()
    proc.wait()
    lines = [json.loads(l) for l in open(events) if l.strip()]
    final = [l for l in lines if l.get("type") == "stats" and l.get("final")][-1]
    track_events = [l for l in lines if l["type"] in ("track_start", "emotion", "track_end")]
    return final, track_events


def received(path):
    out = []
    for line in open(path):
        stamp, _, payload = line.partition(" ")
        try:
            out.append((float(stamp), json.loads(payload)))
        except ValueError:
            pass
    return out


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--outage", type=float, default=60)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="mqtt-bench-")
    broker = Broker(work)

    off, _ = run(args.seconds, os.path.join(work, "off.jsonl"))
    sub_path = os.path.join(work, "sub-cpu.txt")
    sub = subscribe(broker.port, sub_path, "bench-cpu")
    time.sleep(0.5)
    on, logged = run(args.seconds, os.path.join(work, "on.jsonl"), broker.port)
    time.sleep(1)
    sub.terminate()
    got = received(sub_path)
    latencies = [(t - e["after"]["frame_time"]) * 1000 for t, e in got]
    print("CPU, %.0f s of the demo clip at 30 fps: MQTT off %.1f %% of a core (%.1f fps), on %.1f %% (%.1f fps): "
          "difference %+.1f points" % (args.seconds, off["cpu_percent"], off["fps"], on["cpu_percent"], on["fps"],
                                       on["cpu_percent"] - off["cpu_percent"]))
    print("events: %d logged, %d received; event -> subscriber latency p50 %.2f ms, p99 %.2f ms, max %.2f ms"
          % (len(logged), len(got), percentile(latencies, 50), percentile(latencies, 99), max(latencies)))

    sub_path = os.path.join(work, "sub-outage.txt")
    sub = subscribe(broker.port, sub_path, "bench-outage")
    time.sleep(0.5)

    def outage():
        time.sleep(20)
        broker.stop()
        time.sleep(args.outage)
        broker.start()

    _, logged = run(args.outage + 40, os.path.join(work, "outage.jsonl"), broker.port, during=outage)
    deadline = time.time() + 60
    while time.time() < deadline and len(received(sub_path)) < len(logged):
        time.sleep(0.5)
    sub.terminate()
    got = received(sub_path)
    keys = [json.dumps(e, sort_keys=True) for _, e in got]
    print("outage of %.0f s: %d events logged, %d received (%d distinct), lost %d"
          % (args.outage, len(logged), len(got), len(set(keys)), max(0, len(logged) - len(set(keys)))))
    broker.stop()


if __name__ == "__main__":
    main()
