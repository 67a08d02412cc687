#!/usr/bin/env python3
"""Opens a page in headless chromium and reports what a person would see, over the DevTools protocol.

  python3 Tests/Browser/cdp_page.py URL [--at 2 --at 5] [--screenshot OUT.png] [--width 1000 --height 1400]

Runs in real time (pages with live streams never go idle, so virtual time cannot be used). Prints one
JSON object: `doms` (the page's HTML at each --at second after navigation), `console` (console
messages, uncaught exceptions and failed loads, each "level: text"), `screenshot` (the path, when
asked, taken at the last --at). The protocol goes over a pipe (--remote-debugging-pipe): no port, no
extra package. Exits non-zero with one line on stderr when chromium does not answer.
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time


class Browser:
    def __init__(self, binary, width, height):
        self.profile = tempfile.mkdtemp(prefix="cdp-")
        import fcntl
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        # chromium reads commands on fd 3 and writes answers on fd 4: move the child's ends above 10 first,
        # so that placing them on 3 and 4 cannot overwrite one with the other.
        high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
        high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
        os.close(to_child_r)
        os.close(from_child_w)
        to_child_r, from_child_w = high_r, high_w
        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
             "--remote-debugging-pipe", "--user-data-dir=" + self.profile, "--window-size=%d,%d" % (width, height),
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=lambda: (os.dup2(to_child_r, 3), os.dup2(from_child_w, 4)),
            env=dict(os.environ, DBUS_SESSION_BUS_ADDRESS="disabled:"))
        os.close(to_child_r)
        os.close(from_child_w)
        self.next_id = 0
        self.answers = {}
        self.events = []
        self.lock = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        buffer = b""
        while True:
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                with self.lock:
                    self.lock.notify_all()
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                with self.lock:
                    if "id" in message:
                        self.answers[message["id"]] = message
                    else:
                        self.events.append(message)
                    self.lock.notify_all()

    def call(self, method, params=None, session=None, timeout=20):
        self.next_id += 1
        ident = self.next_id
        message = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        with self.lock:
            while ident not in self.answers:
                left = deadline - time.time()
                if left <= 0:
                    raise TimeoutError("chromium did not answer %s in %d s" % (method, timeout))
                self.lock.wait(left)
            answer = self.answers.pop(ident)
        if "error" in answer:
            raise RuntimeError("%s: %s" % (method, answer["error"].get("message")))
        return answer.get("result", {})

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def console_lines(events):
    lines = []
    for e in events:
        method, p = e.get("method"), e.get("params", {})
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            lines.append("%s: %s" % (p.get("type"), text))
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            lines.append("exception: %s" % (d.get("exception", {}).get("description") or d.get("text")))
        elif method == "Log.entryAdded":
            entry = p.get("entry", {})
            lines.append("%s: %s %s" % (entry.get("level"), entry.get("text"), entry.get("url", "")))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url")
    ap.add_argument("--at", type=float, action="append", help="seconds after navigation to read the DOM (repeatable)")
    ap.add_argument("--screenshot")
    ap.add_argument("--width", type=int, default=1000)
    ap.add_argument("--height", type=int, default=1400)
    ap.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser") or "chromium")
    args = ap.parse_args()
    moments = sorted(args.at or [2.0])
    browser = Browser(args.chromium, args.width, args.height)
    try:
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
            browser.call(domain, session=session)
        browser.call("Emulation.setDeviceMetricsOverride",
                     {"width": args.width, "height": args.height, "deviceScaleFactor": 1, "mobile": False}, session=session)
        start = time.time()
        browser.call("Page.navigate", {"url": args.url}, session=session)
        doms = []
        for moment in moments:
            time.sleep(max(0, start + moment - time.time()))
            value = browser.call("Runtime.evaluate", {"expression": "document.documentElement.outerHTML",
                                                      "returnByValue": True}, session=session)
            doms.append(value["result"]["value"])
        shot = None
        if args.screenshot:
            data = browser.call("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
            with open(args.screenshot, "wb") as f:
                f.write(base64.b64decode(data))
            shot = args.screenshot
        with browser.lock:
            events = list(browser.events)
    except (TimeoutError, RuntimeError, OSError, KeyError) as error:
        print("cdp_page.py: %s: %s" % (args.url, error), file=sys.stderr)
        browser.close()
        sys.exit(1)
    browser.close()
    print(json.dumps({"doms": doms, "console": console_lines(events), "screenshot": shot}))


if __name__ == "__main__":
    main()
