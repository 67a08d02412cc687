#!/usr/bin/env python3
"""Confusion matrix of a `fer-live eval --json` report as an SVG (standard library only).

    .build/release/fer-live eval ../shared/data/fer2013/val --classifier NAME --json > eval.json
    python3 Models/tools/plot_confusion.py eval.json Models/emotion/NAME_confusion.svg [--title TEXT]

Rows are the true labels, columns the predicted ones; each cell shows the share of its row (the recall on
the diagonal) and the count, shaded by that share.
"""
import argparse
import html
import json
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("report", help="fer-live eval --json output ('-' for stdin)")
    p.add_argument("svg", help="where to write the SVG")
    p.add_argument("--title", help="title (default: classifier, accuracy, macro-F1)")
    args = p.parse_args()
    try:
        doc = json.load(sys.stdin if args.report == "-" else open(args.report))
        report = doc["report"]
        labels, matrix = report["labels"], report["confusion_matrix"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        sys.exit(f"{args.report}: not a fer-live eval --json report ({e})")
    if len(matrix) != len(labels) or any(len(row) != len(labels) for row in matrix):
        sys.exit(f"{args.report}: the confusion matrix is not {len(labels)}x{len(labels)}")

    title = args.title or (f"{doc.get('classifier', '?')}{' + flip' if doc.get('tta') == 'flip' else ''}: "
                           f"accuracy {report['accuracy']:.4f}, macro-F1 {report['macro_avg']['f1']:.4f}, "
                           f"n {report['n']}")
    cell, left, top = 64, 90, 70
    n = len(labels)
    width, height = left + n * cell + 20, top + n * cell + 50
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="DejaVu Sans, sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="13">{html.escape(title)}</text>',
           f'<text x="{left + n * cell / 2}" y="{top - 28}" text-anchor="middle">predicted</text>',
           f'<text x="16" y="{top + n * cell / 2}" text-anchor="middle" '
           f'transform="rotate(-90 16 {top + n * cell / 2})">true</text>']
    for j, label in enumerate(labels):
        out.append(f'<text x="{left + j * cell + cell / 2}" y="{top - 8}" text-anchor="middle">{html.escape(label)}</text>')
    for i, row in enumerate(matrix):
        total = sum(row) or 1
        y = top + i * cell
        out.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4}" text-anchor="end">{html.escape(labels[i])}</text>')
        for j, count in enumerate(row):
            share = count / total
            shade = int(255 - 200 * share)
            fill = f"rgb({shade},{shade},255)" if i == j else f"rgb(255,{shade},{shade})"
            ink = "white" if share > 0.55 else "black"
            x = left + j * cell
            out.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{fill}" stroke="#999"/>')
            out.append(f'<text x="{x + cell / 2}" y="{y + cell / 2}" text-anchor="middle" fill="{ink}">{share:.2f}</text>')
            out.append(f'<text x="{x + cell / 2}" y="{y + cell / 2 + 15}" text-anchor="middle" fill="{ink}" '
                       f'font-size="10">{count}</text>')
    out.append(f'<text x="{left}" y="{height - 16}" font-size="10">rows: true label; cell: share of the row '
               f'(diagonal = recall) and count</text>')
    out.append("</svg>")
    with open(args.svg, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
