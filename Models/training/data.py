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


# FER+ (microsoft/FERPlus, MIT): 10 taggers' votes per FER2013 image, in ../shared/data/fer2013/ferplus_votes.csv.
FERPLUS_COLUMNS = ["neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt",
                   "unknown", "NF"]
# fer-live's label order (model.LABELS) -> the FER+ column with the same emotion.
FERPLUS_FOR_LABEL = {"angry": "anger", "disgust": "disgust", "fear": "fear", "happy": "happiness",
                     "sad": "sadness", "surprise": "surprise", "neutral": "neutral"}


def load_ferplus_votes(root, csv_path):
    """FER+ vote counts [N,10] (FERPLUS_COLUMNS order) for the images of load_split(root), in the same order.

    Rows without votes (FER+ left ~0.5 % of the images out) are all zero. The CSV's `file` column is the
    path below the data set folder (e.g. `val/angry/PublicTest_1.jpg`); root is matched by its last part.
    """
    import csv
    root = os.path.abspath(root)
    split = os.path.basename(root)
    by_file = {}
    with open(csv_path, newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in ["file"] + FERPLUS_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise SystemExit(f"{csv_path}: missing column(s) {', '.join(missing)}")
        for line, row in enumerate(reader, start=2):
            try:
                by_file[row["file"]] = [int(row[c]) for c in FERPLUS_COLUMNS]
            except ValueError:
                raise SystemExit(f"{csv_path}:{line}: vote counts must be integers")
    votes = np.zeros((0, len(FERPLUS_COLUMNS)), dtype=np.int64)
    rows = []
    for path, _ in list_images(root):
        rel = split + "/" + os.path.relpath(path, root).replace(os.sep, "/")
        rows.append(by_file.get(rel, [0] * len(FERPLUS_COLUMNS)))
    if rows:
        votes = np.array(rows, dtype=np.int64)
    return votes


def ferplus_emotion_votes(votes, labels):
    """Votes [N,10] -> the 7 emotions' counts [N,7] in fer-live's label order (contempt, unknown, NF dropped)."""
    return votes[:, [FERPLUS_COLUMNS.index(FERPLUS_FOR_LABEL[l]) for l in labels]]


def ferplus_majority(votes, labels):
    """The FER+ majority label per image (index into labels), or -1 where there is none.

    None = no votes, a tie for the most votes, or a most-voted column that is not one of the 7 emotions
    (contempt, unknown, not a face): the protocol of the FER+ paper's majority mode, restricted to
    fer-live's 7 labels.
    """
    votes = np.asarray(votes)
    top = votes.max(1)
    unique = (votes == top[:, None]).sum(1) == 1
    arg = votes.argmax(1)
    col_to_label = {FERPLUS_COLUMNS.index(FERPLUS_FOR_LABEL[l]): i for i, l in enumerate(labels)}
    out = np.full(len(votes), -1, dtype=np.int64)
    for i in range(len(votes)):
        if top[i] > 0 and unique[i] and arg[i] in col_to_label:
            out[i] = col_to_label[arg[i]]
    return out
