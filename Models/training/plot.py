#!/usr/bin/env python3
"""Plot a train.py log (JSON lines) as an SVG: accuracy and loss per epoch. No dependencies.

  python3 Models/training/plot.py Models/training/runs/NAME/log.jsonl Models/training_curves.svg
"""

import json
import math
import sys
from xml.sax.saxutils import escape

PANEL_W, PANEL_H = 420, 300
MARGIN = {"left": 56, "right": 16, "top": 34, "bottom": 44}
COLORS = {"train_acc": "#1f77b4", "val_acc": "#d62728", "val_acc_flip": "#ff9896",
          "train_loss": "#1f77b4", "val_loss": "#d62728"}
NAMES = {"train_acc": "train (augmented)", "val_acc": "val", "val_acc_flip": "val, flip averaged",
         "train_loss": "train (aug., smoothed labels)", "val_loss": "val"}


def nice_ticks(lo, hi, count=5):
    span = hi - lo or 1.0
    raw = span / count
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= 0.75 * raw), default=raw)
    first = (lo // step) * step
    ticks, t = [], first
    while t <= hi + step * 1e-9:
        if t >= lo - step * 1e-9:
            ticks.append(round(t, 10))
        t += step
    return ticks


def panel(x0, title, epochs, series, fmt, legend_bottom):
    ys = [v for _, vals in series for v in vals if v is not None]
    lo, hi = min(ys), max(ys)
    pad = (hi - lo) * 0.05 or 0.05
    lo, hi = lo - pad, hi + pad
    e_lo, e_hi = min(epochs), max(epochs)
    e_hi = e_hi if e_hi > e_lo else e_lo + 1
    pw = PANEL_W - MARGIN["left"] - MARGIN["right"]
    ph = PANEL_H - MARGIN["top"] - MARGIN["bottom"]
    left, top = x0 + MARGIN["left"], MARGIN["top"]

    def sx(e):
        return left + (e - e_lo) / (e_hi - e_lo) * pw

    def sy(v):
        return top + (hi - v) / (hi - lo) * ph

    out = [f'<text x="{left + pw / 2}" y="20" text-anchor="middle" font-weight="bold">{escape(title)}</text>',
           f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>']
    for t in nice_ticks(lo, hi):
        y = sy(t)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{fmt(t)}</text>')
    for t in nice_ticks(e_lo, e_hi):
        if abs(t - round(t)) > 1e-9:
            continue
        x = sx(t)
        out.append(f'<line x1="{x:.1f}" y1="{top + ph}" x2="{x:.1f}" y2="{top + ph + 4}" stroke="#888"/>')
        out.append(f'<text x="{x:.1f}" y="{top + ph + 17}" text-anchor="middle">{int(round(t))}</text>')
    out.append(f'<text x="{left + pw / 2}" y="{PANEL_H - 8}" text-anchor="middle">epoch</text>')
    lx = left + pw - 210
    box_top = top + ph - 24 - 16 * (len(series) - 1) if legend_bottom else top + 2
    legend = [f'<rect x="{lx - 6}" y="{box_top}" width="212" height="{16 * len(series) + 6}" '
              f'fill="white" fill-opacity="0.85"/>']
    for i, (key, vals) in enumerate(series):
        pts = " ".join(f"{sx(e):.1f},{sy(v):.1f}" for e, v in zip(epochs, vals) if v is not None)
        out.append(f'<polyline points="{pts}" fill="none" stroke="{COLORS[key]}" stroke-width="1.8"/>')
        # legend in the right-hand corner the curves leave free (bottom for rising, top for falling)
        ly = top + ph - 10 - 16 * (len(series) - 1 - i) if legend_bottom else top + 14 + 16 * i
        legend.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 20}" y2="{ly - 4}" '
                      f'stroke="{COLORS[key]}" stroke-width="2"/>')
        legend.append(f'<text x="{lx + 26}" y="{ly}">{escape(NAMES[key])}</text>')
    return out + legend


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: plot.py LOG.jsonl OUT.svg")
    records = []
    with open(sys.argv[1]) as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise SystemExit(f"{sys.argv[1]}:{n}: not JSON ({e.msg})")
    if not records:
        raise SystemExit(f"{sys.argv[1]}: no epochs logged")
    epochs = [r["epoch"] for r in records]
    best = max(records, key=lambda r: r["val_acc"])
    acc = [(k, [r.get(k) for r in records]) for k in ("train_acc", "val_acc", "val_acc_flip")]
    loss = [(k, [r.get(k) for r in records]) for k in ("train_loss", "val_loss")]
    width, height = 2 * PANEL_W, PANEL_H + 22
    body = panel(0, "accuracy", epochs, acc, lambda v: f"{v * 100:.0f}%", legend_bottom=True)
    body += panel(PANEL_W, "loss", epochs, loss, lambda v: f"{v:.2f}", legend_bottom=False)
    caption = (f"best val {best['val_acc'] * 100:.2f}% (flip {best['val_acc_flip'] * 100:.2f}%) at epoch "
               f"{best['epoch']} of {epochs[-1]}; {records[-1]['elapsed_s'] / 60:.1f} min")
    body.append(f'<text x="{width / 2}" y="{height - 6}" text-anchor="middle" fill="#555">{escape(caption)}</text>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" font-size="11">\n'
           f'<rect width="100%" height="100%" fill="white"/>\n' + "\n".join(body) + "\n</svg>\n")
    with open(sys.argv[2], "w") as f:
        f.write(svg)


if __name__ == "__main__":
    main()
