#!/usr/bin/env python3
"""Train fer-live's emotion classifier on FER2013 on the CPU, within a wall-time budget.

  python3 Models/training/train.py --budget-minutes 100 --out Models/training/runs/NAME

The learning rate follows a one-cycle schedule (cosine warm-up, then cosine decay to ~0) driven by
elapsed wall time: every step sets lr from progress = elapsed / budget, and training stops when the
budget (counted from process start, so torch's import and data loading count) is used up. A run
therefore ends on time however fast the machine is. `--epochs N` switches to a step-driven
schedule of exactly N epochs (its duration then follows the machine's speed; with a fixed
`--threads 2` it is also bit-reproducible, while `--threads auto` may change the reduction order).

Model selection uses ../shared/data/fer2013/val (PublicTest) only: the best checkpoint by single-pass
val accuracy is kept as OUT/best.pt. Per-epoch JSON lines go to OUT/log.jsonl, the run's settings
and summary to OUT/run.json.
"""

import time

PROCESS_START = time.time()  # before importing torch: its import time counts toward the budget

import argparse
import json
import math
import os
import platform
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import ferplus_emotion_votes, ferplus_majority, load_ferplus_votes, load_split  # noqa: E402
from model import LABELS, FERResNet, count_macs, count_params  # noqa: E402

PROBE_STEPS = 8  # --threads auto: steps timed per thread count at the start of every epoch
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
SHARED_FER = os.path.join(REPO, "..", "shared", "data", "fer2013")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="run folder (created): best.pt, last.pt, log.jsonl, run.json")
    p.add_argument("--train-dir", default=os.path.join(SHARED_FER, "train"))
    p.add_argument("--val-dir", default=os.path.join(SHARED_FER, "val"))
    p.add_argument("--cache-dir", default=os.path.join(HERE, ".cache"))
    # labels
    p.add_argument("--targets", choices=["fer2013", "ferplus-soft", "ferplus-majority"], default="fer2013",
                   help="fer2013: the folder label (one annotator); ferplus-soft: the FER+ vote distribution mixed "
                        "with the folder label (--ferplus-weight); ferplus-majority: the FER+ majority label")
    p.add_argument("--ferplus-csv", default=os.path.join(SHARED_FER, "ferplus_votes.csv"))
    p.add_argument("--ferplus-weight", type=float, default=0.7,
                   help="ferplus-soft: target = w * FER+ vote share + (1 - w) * FER2013 one-hot")
    p.add_argument("--teacher", action="append", default=[],
                   help="distillation: an ONNX classifier (with its .json manifest) whose probabilities on each "
                        "training face (averaged with its mirror image, and over every --teacher) are mixed into the "
                        "target; repeatable")
    p.add_argument("--teacher-weight", type=float, default=0.5,
                   help="with --teacher: target = w * teachers' mean + (1 - w) * the --targets target")
    p.add_argument("--select", choices=["auto", "fer2013_acc", "ferplus_acc", "ferplus_score"], default="auto",
                   help="checkpoint choice on val: auto = fer2013_acc for --targets fer2013, else ferplus_score "
                        "(mean of FER+ majority accuracy and macro-F1)")
    p.add_argument("--budget-minutes", type=float, default=100.0,
                   help="wall time from process start to the end of training (default 100)")
    p.add_argument("--epochs", type=int, default=None,
                   help="step-driven schedule of exactly N epochs instead of the time budget")
    # architecture
    p.add_argument("--width", type=int, default=24)
    p.add_argument("--blocks", default="1,1,1,1", help="basic blocks per stage (one number per stage)")
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--zero-init-residual", action="store_true",
                   help="zero-init the last BN of every residual branch (the old default; it kept the net at the "
                        "class prior for epochs: only for comparisons)")
    # optimisation
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.1, help="peak learning rate")
    p.add_argument("--warmup", type=float, default=0.15, help="fraction of the budget spent warming up")
    p.add_argument("--start-div", type=float, default=25.0, help="initial lr = lr / start-div")
    p.add_argument("--final-div", type=float, default=1e4, help="final lr = lr / final-div")
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--weight-decay", type=float, default=5e-4, help="on conv/linear weights, not BN or biases")
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--class-weight-power", type=float, default=0.0,
                   help="loss weight of class c = (n_c / mean n)^-power; 0 = unweighted, 0.5 = mild rebalancing")
    # augmentation
    p.add_argument("--rotate", type=float, default=10.0, help="max rotation, degrees")
    p.add_argument("--scale", type=float, default=0.1, help="scale in [1-s, 1+s]")
    p.add_argument("--translate", type=float, default=0.1, help="max shift, fraction of the side")
    p.add_argument("--erase-prob", type=float, default=0.5)
    p.add_argument("--erase-area", default="0.02,0.25", help="random erasing area fraction range")
    p.add_argument("--mix", choices=["none", "mixup", "cutmix"], default="none")
    p.add_argument("--mix-prob", type=float, default=0.5, help="fraction of batches mixed when --mix is set")
    p.add_argument("--mix-alpha", type=float, default=1.0)
    p.add_argument("--photometric", type=float, default=0.0,
                   help="probability that an image gets kiosk-camera damage: darkness/contrast/gamma, and some of "
                        "blur, noise, low resolution, JPEG (0 = off)")
    # machinery
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", default="auto",
                   help="torch threads, or 'auto': each epoch times a few steps on 1 and on 2 threads and keeps "
                        "the faster (2 threads lose to 1 when another process holds a core)")
    p.add_argument("--eval-batch", type=int, default=512)
    p.add_argument("--subset", type=int, default=0, help="train on a random N images only (quick pipeline checks)")
    return p.parse_args(argv)


# ---------------------------------------------------------------- schedule

def one_cycle_lr(progress, args):
    """lr at progress in [0, 1]: cosine warm-up lr/start_div -> lr, then cosine decay -> lr/final_div."""
    peak = args.lr
    progress = min(max(progress, 0.0), 1.0)
    if progress < args.warmup:
        lo = peak / args.start_div
        t = progress / args.warmup
        return lo + (peak - lo) * (1 - math.cos(math.pi * t)) / 2
    lo = peak / args.final_div
    t = (progress - args.warmup) / max(1e-9, 1 - args.warmup)
    return lo + (peak - lo) * (1 + math.cos(math.pi * t)) / 2


# ---------------------------------------------------------------- augmentation (batched, on tensors)

def augment(x, args, gen):
    """x: normalised float [B,1,H,W]. Random flip + affine (one grid_sample) then random erasing."""
    b, _, h, w = x.shape
    u = torch.rand(b, 6, generator=gen)
    angle = (u[:, 0] * 2 - 1) * math.radians(args.rotate)
    scale = 1 + (u[:, 1] * 2 - 1) * args.scale
    flip = torch.where(u[:, 2] < 0.5, -1.0, 1.0)
    tx = (u[:, 3] * 2 - 1) * args.translate * 2  # affine_grid coordinates span [-1, 1]
    ty = (u[:, 4] * 2 - 1) * args.translate * 2
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    # theta maps output to input coordinates: (1/s) R(angle) diag(flip, 1), plus the shift
    theta = torch.stack([torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="reflection", align_corners=False)

    if args.erase_prob > 0:
        lo, hi = (float(v) for v in args.erase_area.split(","))
        r = torch.rand(b, 5, generator=gen)
        area = (lo + (hi - lo) * r[:, 0]) * h * w
        ratio = torch.exp(math.log(0.3) + (math.log(1 / 0.3) - math.log(0.3)) * r[:, 1])
        eh = torch.sqrt(area * ratio).round().clamp(1, h)
        ew = torch.sqrt(area / ratio).round().clamp(1, w)
        y0 = (r[:, 2] * (h - eh + 1)).floor()
        x0 = (r[:, 3] * (w - ew + 1)).floor()
        rows = torch.arange(h).view(1, h)
        cols = torch.arange(w).view(1, w)
        in_rows = (rows >= y0[:, None]) & (rows < (y0 + eh)[:, None])
        in_cols = (cols >= x0[:, None]) & (cols < (x0 + ew)[:, None])
        mask = in_rows[:, :, None] & in_cols[:, None, :] & (r[:, 4] < args.erase_prob)[:, None, None]
        x = x.masked_fill(mask[:, None], 0.0)  # 0 = the data mean after normalisation
    return x


def photometric(x01, p, gen):
    """x01: grey [B,1,H,W] in [0,1]. With probability p per image: a darker or washed-out exposure (gain, offset,
    gamma), then, each for a third of those, a Gaussian blur, sensor noise, a low-resolution round trip and a
    low-quality JPEG round trip, as webcams at kiosks deliver faces."""
    b, _, h, w = x01.shape
    u = torch.rand(b, 8, generator=gen)
    hit = u[:, 0] < p
    if not bool(hit.any()):
        return x01
    sel = hit.view(b, 1, 1, 1)
    gain = 0.45 + 0.85 * u[:, 1]                   # contrast 0.45 .. 1.3
    offset = -0.25 + 0.35 * u[:, 2]                # brightness -0.25 .. +0.10
    gamma = torch.exp((u[:, 3] * 2 - 1) * math.log(1.8))  # 0.56 .. 1.8
    m = x01.mean((1, 2, 3), keepdim=True)
    y = ((x01 - m) * gain.view(b, 1, 1, 1) + m + offset.view(b, 1, 1, 1)).clamp(0, 1)
    y = y.clamp_min(1e-4).pow(gamma.view(b, 1, 1, 1))
    # blur: one sigma per batch, applied to its share of the images
    blur = (hit & (u[:, 4] < 1 / 3)).view(b, 1, 1, 1)
    if bool(blur.any()):
        sigma = 0.6 + 0.8 * float(torch.rand(1, generator=gen))
        k = torch.arange(-2, 3, dtype=torch.float32)
        g = torch.exp(-k ** 2 / (2 * sigma ** 2))
        g = g / g.sum()
        yb = F.conv2d(F.pad(y, (2, 2, 0, 0), mode="replicate"), g.view(1, 1, 1, 5))
        yb = F.conv2d(F.pad(yb, (0, 0, 2, 2), mode="replicate"), g.view(1, 1, 5, 1))
        y = torch.where(blur, yb, y)
    noise = (hit & (u[:, 5] < 1 / 3)).view(b, 1, 1, 1)
    if bool(noise.any()):
        std = 0.01 + 0.05 * torch.rand(b, 1, 1, 1, generator=gen)
        y = torch.where(noise, (y + std * torch.randn(y.shape, generator=gen)).clamp(0, 1), y)
    low = (hit & (u[:, 6] < 1 / 3)).view(b, 1, 1, 1)
    if bool(low.any()):
        side = int(torch.randint(14, 33, (1,), generator=gen))
        yl = F.interpolate(F.interpolate(y, size=(side, side), mode="area"), size=(h, w), mode="bilinear",
                           align_corners=False)
        y = torch.where(low, yl, y)
    jpeg = torch.nonzero(hit & (u[:, 7] < 1 / 3)).flatten().tolist()
    if jpeg:
        import io
        from PIL import Image
        quality = int(torch.randint(15, 60, (1,), generator=gen))
        for i in jpeg:
            buf = io.BytesIO()
            Image.fromarray((y[i, 0] * 255).round().byte().numpy(), "L").save(buf, "JPEG", quality=quality)
            buf.seek(0)
            y[i, 0] = torch.from_numpy(np.asarray(Image.open(buf), dtype=np.float32) / 255)
    return torch.where(sel, y, x01)


def soft_cross_entropy(logits, target, weight=None):
    """Cross-entropy against probability targets [B,K], each class's term scaled by weight[c] when given."""
    logp = logits.log_softmax(1)
    if weight is not None:
        target = target * weight
    return -(target * logp).sum(1).mean()


def mix_batch(x, y, args, gen, rng):
    """Mixup or CutMix of a batch with a shuffled copy: (x, y_a, y_b, lam); y may be labels or soft targets."""
    lam = float(rng.beta(args.mix_alpha, args.mix_alpha))
    perm = torch.randperm(x.shape[0], generator=gen)
    if args.mix == "mixup":
        return lam * x + (1 - lam) * x[perm], y, y[perm], lam
    h, w = x.shape[2], x.shape[3]
    ch, cw = int(h * math.sqrt(1 - lam)), int(w * math.sqrt(1 - lam))
    cy, cx = int(torch.randint(0, h, (1,), generator=gen)), int(torch.randint(0, w, (1,), generator=gen))
    y0, y1 = max(cy - ch // 2, 0), min(cy + ch // 2, h)
    x0, x1 = max(cx - cw // 2, 0), min(cx + cw // 2, w)
    x = x.clone()
    x[:, :, y0:y1, x0:x1] = x[perm, :, y0:y1, x0:x1]
    lam = 1 - (y1 - y0) * (x1 - x0) / (h * w)
    return x, y, y[perm], lam


# ---------------------------------------------------------------- evaluation

def label_metrics(pred, labels, k):
    """Accuracy, per-class recall (a list) and macro-F1 of predictions against integer labels."""
    confusion = torch.bincount(labels * k + pred, minlength=k * k).view(k, k).double()
    tp = confusion.diag()
    recall = tp / confusion.sum(1).clamp(min=1)
    precision = tp / confusion.sum(0).clamp(min=1)
    f1 = 2 * precision * recall / (precision + recall).clamp(min=1e-12)
    return (pred == labels).double().mean().item(), recall.tolist(), f1.mean().item()


@torch.inference_mode()
def evaluate(model, images, labels, mean, std, batch, ferplus=None):
    """Val loss (plain CE), accuracy, accuracy with flip averaging, per-class recall, macro-F1.

    ferplus = (majority [N] with -1 = none, emotion votes [N,7]) adds the FER+ protocol: accuracy, recall and
    macro-F1 against the majority label on the images that have one, and the soft agreement (mean share of the
    taggers who chose the predicted label) on every image with votes."""
    model.eval()
    n = images.shape[0]
    loss_sum, pred, pred_flip = 0.0, [], []
    for i in range(0, n, batch):
        x = (images[i:i + batch].float().div_(255).sub_(mean).div_(std)).unsqueeze(1)
        x = x.contiguous(memory_format=torch.channels_last)
        y = labels[i:i + batch]
        logits = model(x)
        loss_sum += F.cross_entropy(logits, y, reduction="sum").item()
        p = logits.softmax(1)
        p_flip = model(x.flip(3).contiguous(memory_format=torch.channels_last)).softmax(1)
        pred.append(p.argmax(1))
        pred_flip.append((p + p_flip).argmax(1))
    model.train()
    pred, pred_flip = torch.cat(pred), torch.cat(pred_flip)
    k = len(LABELS)
    acc, recall, f1 = label_metrics(pred, labels, k)
    out = {
        "val_loss": loss_sum / n,
        "val_acc": acc,
        "val_acc_flip": (pred_flip == labels).double().mean().item(),
        "val_macro_f1": f1,
        "val_recall": {LABELS[c]: round(recall[c], 4) for c in range(k)},
    }
    if ferplus is not None:
        majority, emo_votes = ferplus
        has = majority >= 0
        acc, recall, f1 = label_metrics(pred[has], majority[has], k)
        voted = emo_votes.sum(1) > 0
        share = emo_votes[voted].double() / emo_votes[voted].sum(1, keepdim=True)
        out.update({
            "ferplus_acc": acc, "ferplus_macro_f1": f1,
            "ferplus_acc_flip": (pred_flip[has] == majority[has]).double().mean().item(),
            "ferplus_recall": {LABELS[c]: round(recall[c], 4) for c in range(k)},
            "ferplus_soft_agreement": share.gather(1, pred[voted].view(-1, 1)).mean().item(),
        })
    return out


# ---------------------------------------------------------------- main

def teacher_probabilities(paths, images):
    """Mean softmax of the ONNX classifiers at `paths` (ONNX Runtime, one thread) on `images` (N x 48 x 48 uint8)
    and on their mirror images, each preprocessed as its manifest says. Returns N x 7 float32."""
    import onnxruntime as ort
    total = np.zeros((len(images), len(LABELS)), dtype=np.float64)
    for path in paths:
        manifest = json.load(open(os.path.splitext(path)[0] + ".json"))
        if manifest["labels"] != LABELS:
            raise SystemExit(f"{path}: labels {manifest['labels']} are not {LABELS}")
        spec = manifest["input"]
        if (spec["width"], spec["height"], spec.get("color")) != (48, 48, "gray"):
            raise SystemExit(f"{path}: a teacher must take 48x48 grey faces (it takes {spec})")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        name = session.get_inputs()[0].name
        x = (images.astype(np.float32) / spec.get("scale", 255.0) - spec["mean"][0]) / spec["std"][0]
        x = x[:, None, :, :]
        kind = manifest.get("output", {}).get("kind", "probabilities")
        for batch in range(0, len(x), 512):
            for view in (x[batch:batch + 512], x[batch:batch + 512, :, :, ::-1]):
                out = session.run(None, {name: np.ascontiguousarray(view)})[0].astype(np.float64)
                if kind == "logits":
                    out = np.exp(out - out.max(1, keepdims=True))
                    out /= out.sum(1, keepdims=True)
                total[batch:batch + 512] += out
    return (total / (2 * len(paths))).astype(np.float32)


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    auto_threads = args.threads == "auto"
    threads = 2 if auto_threads else int(args.threads)
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    torch.set_flush_denormal(True)  # denormals in late, tiny-lr steps slow the CPU down otherwise
    torch.backends.mkldnn.enabled = True  # oneDNN convolutions (the default; stated on purpose)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    budget_s = args.budget_minutes * 60

    t = time.time()
    tr_x, tr_y, tr_load_s, tr_cached = load_split(args.train_dir, args.cache_dir)
    va_x, va_y, va_load_s, va_cached = load_split(args.val_dir, args.cache_dir)
    k = len(LABELS)
    va_ferplus = None
    dropped = 0
    if os.path.exists(args.ferplus_csv):
        va_votes = load_ferplus_votes(args.val_dir, args.ferplus_csv)
        va_ferplus = (torch.from_numpy(ferplus_majority(va_votes, LABELS)),
                      torch.from_numpy(ferplus_emotion_votes(va_votes, LABELS)))
    elif args.targets != "fer2013":
        raise SystemExit(f"{args.ferplus_csv}: no such file (--targets {args.targets} needs the FER+ votes)")
    if args.targets == "fer2013":
        tr_t = np.eye(k, dtype=np.float32)[tr_y]
    else:
        votes = load_ferplus_votes(args.train_dir, args.ferplus_csv)
        emo = ferplus_emotion_votes(votes, LABELS).astype(np.float32)
        majority = ferplus_majority(votes, LABELS)
        # left out: no votes, or a most-voted column that is unknown / not a face / contempt (or, for the
        # majority mode, a tie)
        if args.targets == "ferplus-majority":
            keep = majority >= 0
            tr_t = np.eye(k, dtype=np.float32)[np.maximum(majority, 0)]
        else:
            top_other = votes[:, 7:].max(1)
            keep = (emo.sum(1) > 0) & (emo.max(1) >= top_other)
            share = emo / np.maximum(emo.sum(1, keepdims=True), 1)
            tr_t = args.ferplus_weight * share + (1 - args.ferplus_weight) * np.eye(k, dtype=np.float32)[tr_y]
        dropped = int((~keep).sum())
        tr_x, tr_y, tr_t = tr_x[keep], tr_y[keep], tr_t[keep]
        # the hard label for train accuracy: the target's top class
        tr_y = tr_t.argmax(1).astype(np.int64)
        print(f"targets {args.targets}: {dropped} train images left out (no votes, or unknown / not a face / "
              f"contempt on top{', or a tie' if args.targets == 'ferplus-majority' else ''})", flush=True)
    if args.teacher:
        t0 = time.time()
        taught = teacher_probabilities(args.teacher, tr_x)
        agree = float((taught.argmax(1) == tr_t.argmax(1)).mean())
        tr_t = (args.teacher_weight * taught + (1 - args.teacher_weight) * tr_t).astype(np.float32)
        tr_y = tr_t.argmax(1).astype(np.int64)
        print(f"teachers {[os.path.basename(t) for t in args.teacher]}: weight {args.teacher_weight}, "
              f"{time.time() - t0:.1f}s, top class agrees with the targets on {agree:.3f} of train", flush=True)
    tr_x, tr_y, tr_t = torch.from_numpy(tr_x), torch.from_numpy(tr_y), torch.from_numpy(tr_t)
    va_x, va_y = torch.from_numpy(va_x), torch.from_numpy(va_y)
    load_s = time.time() - t
    if args.subset:
        keep = torch.randperm(len(tr_y), generator=torch.Generator().manual_seed(args.seed))[:args.subset]
        tr_x, tr_y, tr_t = tr_x[keep], tr_y[keep], tr_t[keep]
    select = args.select if args.select != "auto" else ("fer2013_acc" if args.targets == "fer2013"
                                                        else "ferplus_score")
    mean = round(tr_x.double().div(255).mean().item(), 4)
    std = round(tr_x.double().div(255).std().item(), 4)
    counts = tr_t.double().sum(0)  # per class: the targets' total mass (= image counts for one-hot targets)
    print(f"data: train {len(tr_y)} ({'cache' if tr_cached else 'decoded'} {tr_load_s:.1f}s), "
          f"val {len(va_y)} ({'cache' if va_cached else 'decoded'} {va_load_s:.1f}s); "
          f"mean {mean} std {std}; per class {dict(zip(LABELS, [round(c) for c in counts.tolist()]))}", flush=True)

    blocks = [int(v) for v in args.blocks.split(",")]
    model = FERResNet(args.width, blocks, dropout=args.dropout, zero_init_residual=args.zero_init_residual)
    macs, params = count_macs(model), count_params(model)
    model = model.to(memory_format=torch.channels_last).train()
    print(f"model: width {args.width} blocks {blocks}: {macs / 1e6:.2f} M MACs, {params / 1e6:.3f} M params",
          flush=True)

    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    opt = torch.optim.SGD([{"params": decay, "weight_decay": args.weight_decay},
                           {"params": no_decay, "weight_decay": 0.0}],
                          lr=one_cycle_lr(0, args), momentum=args.momentum, nesterov=True)
    weight = None
    if args.class_weight_power:
        weight = (counts.double() / counts.double().mean()).pow(-args.class_weight_power)
        weight = (weight * len(tr_y) / (weight * counts).sum()).float()  # average weight per sample = 1
        print(f"class weights: {dict(zip(LABELS, [round(v, 3) for v in weight.tolist()]))}", flush=True)
    uniform = torch.full((k,), 1.0 / k)

    def criterion(logits, target):
        """Cross-entropy against the (soft) targets, smoothed towards uniform by --label-smoothing."""
        target = (1 - args.label_smoothing) * target + args.label_smoothing * uniform
        return soft_cross_entropy(logits, target, weight)

    run = {
        "args": vars(args), "labels": LABELS, "mean": mean, "std": std, "input_size": [48, 48],
        "model": model.config, "macs": macs, "params": params,
        "train_n": len(tr_y), "val_n": len(va_y), "train_class_counts": [round(c, 1) for c in counts.tolist()],
        "train_left_out": dropped, "select": select,
        "load_s": round(load_s, 2), "train_cached": tr_cached, "val_cached": va_cached,
        "torch": torch.__version__, "python": platform.python_version(), "threads": args.threads,
        "cpu_count": os.cpu_count(),
    }
    run_path = os.path.join(args.out, "run.json")
    with open(run_path, "w") as f:
        json.dump(run, f, indent=2)
    log = open(os.path.join(args.out, "log.jsonl"), "w")

    n = len(tr_y)
    steps_per_epoch = n // args.batch_size
    total_steps = args.epochs * steps_per_epoch if args.epochs else None
    train_start = time.time()
    deadline = PROCESS_START + budget_s
    if not args.epochs and deadline - train_start < 30:
        raise SystemExit(f"--budget-minutes {args.budget_minutes}: less than 30 s left after loading the data")
    print(f"startup {train_start - PROCESS_START:.1f}s; schedule: "
          + (f"{args.epochs} epochs x {steps_per_epoch} steps" if args.epochs
             else f"time-driven, training until {deadline - PROCESS_START:.0f}s after start"), flush=True)

    def progress(step):
        if total_steps:
            return step / total_steps
        return (time.time() - train_start) / (deadline - train_start)

    best = {"val_acc": -1.0}
    step, epoch, done = 0, 0, False
    while not done:
        epoch += 1
        epoch_start = time.time()
        perm = torch.randperm(n, generator=gen)
        loss_sum, correct, seen, lr = 0.0, 0, 0, 0.0
        probe = {1: [], 2: []}  # step times (s) per thread count, first steps of the epoch
        for i in range(steps_per_epoch):
            step_start = time.perf_counter()
            if auto_threads and i in (0, PROBE_STEPS):
                torch.set_num_threads(1 if i == 0 else 2)
            p = progress(step)
            if p >= 1.0:
                done = True
                break
            lr = one_cycle_lr(p, args)
            for g in opt.param_groups:
                g["lr"] = lr
            idx = perm[i * args.batch_size:(i + 1) * args.batch_size]
            x = tr_x[idx].float().div_(255).unsqueeze(1)
            if args.photometric > 0:
                x = photometric(x, args.photometric, gen)
            x = x.sub_(mean).div_(std)
            y = tr_y[idx]
            t_batch = tr_t[idx]
            x = augment(x, args, gen)
            mixed = args.mix != "none" and torch.rand(1, generator=gen).item() < args.mix_prob
            if mixed:
                x, t_a, t_b, lam = mix_batch(x, t_batch, args, gen, rng)
            x = x.contiguous(memory_format=torch.channels_last)
            logits = model(x)
            if mixed:
                loss = lam * criterion(logits, t_a) + (1 - lam) * criterion(logits, t_b)
                y = t_a.argmax(1) if lam >= 0.5 else t_b.argmax(1)
            else:
                loss = criterion(logits, t_batch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            if auto_threads and i < 2 * PROBE_STEPS:
                probe[1 if i < PROBE_STEPS else 2].append(time.perf_counter() - step_start)
                if i == 2 * PROBE_STEPS - 1:
                    # keep the faster; median of each window without its first 2 steps (pool wake-up)
                    medians = {k: float(np.median(v[2:])) for k, v in probe.items()}
                    torch.set_num_threads(min(medians, key=medians.get))
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            seen += len(y)
            if total_steps and step >= total_steps:
                done = True
                break
        train_s = time.time() - epoch_start
        if seen == 0:
            break
        eval_start = time.time()
        metrics = evaluate(model, va_x, va_y, mean, std, args.eval_batch, va_ferplus)
        eval_s = time.time() - eval_start
        record = {
            "epoch": epoch, "elapsed_s": round(time.time() - PROCESS_START, 1), "lr": round(lr, 6),
            "train_loss": round(loss_sum / seen, 5), "train_acc": round(correct / seen, 5),
            "val_loss": round(metrics["val_loss"], 5), "val_acc": round(metrics["val_acc"], 5),
            "val_acc_flip": round(metrics["val_acc_flip"], 5), "val_macro_f1": round(metrics["val_macro_f1"], 5),
            "val_recall": metrics["val_recall"], "images": seen, "partial": seen < steps_per_epoch * args.batch_size,
            "train_s": round(train_s, 1), "eval_s": round(eval_s, 1), "img_per_s": round(seen / train_s, 1),
            "progress": round(min(progress(step), 1.0), 4), "step": step, "threads": torch.get_num_threads(),
            "probe_ms": {k: round(1000 * float(np.median(v[2:])), 1) for k, v in probe.items() if len(v) > 2},
        }
        if "ferplus_acc" in metrics:
            record.update({key: (round(v, 5) if isinstance(v, float) else v) for key, v in metrics.items()
                           if key.startswith("ferplus_")})
            record["ferplus_score"] = round((metrics["ferplus_acc"] + metrics["ferplus_macro_f1"]) / 2, 5)
        record["fer2013_acc"] = record["val_acc"]
        log.write(json.dumps(record) + "\n")
        log.flush()
        improved = record[select] > best.get(select, -1.0)
        if improved:
            best = {k: record[k] for k in ("epoch", "val_acc", "val_acc_flip", "val_macro_f1", "val_loss", select)}
            best.update({k: v for k, v in record.items() if k.startswith("ferplus_")})
            torch.save({"state_dict": model.state_dict(), "config": model.config, "mean": mean, "std": std,
                        "labels": LABELS, "input_size": [48, 48], "epoch": epoch, "metrics": record,
                        "args": vars(args)}, os.path.join(args.out, "best.pt"))
        print(f"epoch {epoch:3d} {'(partial) ' if record['partial'] else ''}t={record['elapsed_s']:7.1f}s "
              f"lr={lr:.4f} train {record['train_loss']:.4f}/{record['train_acc']:.4f} "
              f"val {record['val_loss']:.4f}/{record['val_acc']:.4f} flip {record['val_acc_flip']:.4f} "
              f"F1 {record['val_macro_f1']:.4f} "
              + (f"FER+ {record['ferplus_acc']:.4f} F1 {record['ferplus_macro_f1']:.4f} "
                 f"min recall {min(record['ferplus_recall'].values()):.3f} " if 'ferplus_acc' in record else "")
              + f"| {record['img_per_s']:.0f} img/s, train {train_s:.0f}s "
              f"eval {eval_s:.1f}s, {record['threads']} thr{' *' if improved else ''}", flush=True)
    log.close()
    torch.save({"state_dict": model.state_dict(), "config": model.config, "mean": mean, "std": std,
                "labels": LABELS, "input_size": [48, 48], "epoch": epoch, "args": vars(args)},
               os.path.join(args.out, "last.pt"))
    run["best"] = best
    run["epochs"] = epoch
    run["steps"] = step
    run["total_s"] = round(time.time() - PROCESS_START, 1)
    with open(run_path, "w") as f:
        json.dump(run, f, indent=2)
    print(f"done in {run['total_s']:.0f}s: best val {best.get('val_acc')} (flip {best.get('val_acc_flip')}) "
          f"at epoch {best.get('epoch')}; checkpoint {os.path.join(args.out, 'best.pt')}", flush=True)


if __name__ == "__main__":
    main()
