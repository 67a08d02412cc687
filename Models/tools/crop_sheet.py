#!/usr/bin/env python3
"""One PNG strip of the face crops `fer-live image --crops DIR` wrote (each scaled 2x, nearest neighbour).

Usage: crop_sheet.py DIR OUT.png   (the README's picture: DIR from the committed Tests/Fixtures photos)
"""
import glob
import os
import sys

from PIL import Image


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    files = sorted(glob.glob(os.path.join(argv[0], "*.jpg")))
    if not files:
        raise SystemExit(f"{argv[0]}: no crops (*.jpg)")
    crops = [Image.open(f).convert("L") for f in files]
    side = max(c.width for c in crops) * 2
    sheet = Image.new("L", (len(crops) * (side + 4) - 4, side), 255)
    for i, crop in enumerate(crops):
        sheet.paste(crop.resize((side, side), Image.NEAREST), (i * (side + 4), 0))
    sheet.save(argv[1], optimize=True)
    print(f"{argv[1]}: {len(crops)} crops")


if __name__ == "__main__":
    main(sys.argv[1:])
