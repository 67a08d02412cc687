"""What the two soaks (soak.py, faulted_soak.py) share: the HTTP endpoint they scrape and follow."""
import json
import socket
import sys
import threading
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, timeout=5.0):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def metric(text, name):
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return None


def wait_for_endpoint(proc, port, started, limit=30):
    """Returns once fer-live's /healthz answers; exits the script if fer-live dies or never listens."""
    while True:
        if proc.poll() is not None:
            sys.exit(f"soak: fer-live exited with {proc.returncode} before serving HTTP")
        try:
            if get(port, "/healthz", timeout=1)[0] in (200, 503):
                return
        except OSError:
            pass
        if time.monotonic() - started > limit:
            proc.kill()
            sys.exit(f"soak: no HTTP endpoint after {limit} s")
        time.sleep(0.1)


def follow_events(proc, port, timeout):
    """A well-behaved /api/v1/events client on a thread: {"lines": n, "error": None or why it broke}."""
    stream = {"lines": 0, "error": None}

    def follow():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/events", timeout=timeout) as r:
                for line in r:
                    if line.strip():
                        json.loads(line)
                        stream["lines"] += 1
        except Exception as e:  # the stream ends when fer-live exits; anything else is a failure
            if proc.poll() is None:
                stream["error"] = repr(e)

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    stream["thread"] = thread
    return stream


def scrape_round(port, scrapes, failures, healthz_ok):
    """One round of /metrics, /healthz and /api/v1/tracks; counts them in `scrapes`, appends what is wrong to
    `failures` (`healthz_ok(status, body)` judges /healthz) and returns the metrics text. A connection error or
    a body that is not JSON raises OSError or ValueError."""
    status, body = get(port, "/metrics")
    if status != 200:
        failures.append(f"/metrics {status}")
    scrapes["metrics"] += 1
    metrics = body.decode()
    status, body = get(port, "/healthz")
    scrapes["healthz"] += 1
    if not healthz_ok(status, body):
        failures.append(f"/healthz {status}: {body.decode().strip()}")
    status, body = get(port, "/api/v1/tracks")
    scrapes["tracks"] += 1
    if status != 200:
        failures.append(f"/api/v1/tracks {status}")
    json.loads(body)
    return metrics
