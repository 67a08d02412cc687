"""FER2013 folders (<root>/<emotion>/*.jpg|png, 48x48 grey) -> uint8 arrays, cached as .npz.

The cache key is the folder's absolute path, its file list and sizes; a changed folder rebuilds.
Labels are indices into model.LABELS (fer-live's order), not the alphabetical folder order.
"""

import hashlib
import os
import time

import numpy as np
from PIL import Image

from model import LABELS

EXTENSIONS = (".jpg", ".jpeg", ".png")
SIDE = 48


def list_images(root):
    """Sorted (path, label index) for every image in root/<label>/; fails naming an unknown folder."""
    items = []
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        if not os.path.isdir(folder):
            continue
        if name not in LABELS:
            raise SystemExit(f"{folder}: folder name is not one of the labels {LABELS}")
        label = LABELS.index(name)
        for f in sorted(os.listdir(folder)):
            if f.lower().endswith(EXTENSIONS):
                items.append((os.path.join(folder, f), label))
    if not items:
        raise SystemExit(f"{root}: no images found in <label>/ folders")
    return items


def decode_grey(path, side=SIDE):
    """8-bit grey pixels of one image (Pillow), resized to side x side only if it is another size."""
    with Image.open(path) as im:
        im = im.convert("L")
        if im.size != (side, side):
            im = im.resize((side, side), Image.BILINEAR)
        return np.asarray(im, dtype=np.uint8)


def load_split(root, cache_dir):
    """(images uint8 [N,48,48], labels int64 [N], seconds taken, whether the cache was used)."""
    start = time.time()
    root = os.path.abspath(root)
    items = list_images(root)
    key = hashlib.sha256()
    key.update(root.encode())
    for path, label in items:
        key.update(f"{os.path.relpath(path, root)}:{os.path.getsize(path)}:{label}\n".encode())
    digest = key.hexdigest()[:16]
    os.makedirs(cache_dir, exist_ok=True)
    cache = os.path.join(cache_dir, f"{os.path.basename(root)}-{digest}.npz")
    if os.path.exists(cache):
        with np.load(cache) as z:
            return z["images"], z["labels"], time.time() - start, True
    images = np.stack([decode_grey(p) for p, _ in items])
    labels = np.array([l for _, l in items], dtype=np.int64)
    tmp = cache + ".tmp.npz"
    np.savez(tmp, images=images, labels=labels)
    os.replace(tmp, cache)
    return images, labels, time.time() - start, False
