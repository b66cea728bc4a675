"""Trains the default cell-embedding model (self-supervised, SimCLR / NT-Xent) on crops that `./screen crops`
cut with the extractor's own code, and exports TorchScript plus model.json.

Run from the repository root with Debian's torch (see models/README.md for the exact commands):

    /usr/bin/python3 models/train.py --crops /tmp/cellembed-train --out models/cellembed/1
    /usr/bin/python3 models/train.py --crops /tmp/cellembed2-train --out models/cellembed/2 --version 2 \
        --pool 2 --gain 0.9,1.1 --offset 0.02 --gamma 0.9,1.1

Deterministic: one seed drives initialisation, batch sampling and augmentations; one CPU thread and
torch.use_deterministic_algorithms, so the same crops give a byte-identical model.pt on this stack.
"""

import argparse
import hashlib
import json
import math
import os
import sys
import time
import types


def load_module(name):
    """Imports models/<name>.py under a fixed file name: TorchScript's debug information records the model's
    source files, and an absolute path would make the model's bytes depend on where the checkout lives."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, name + ".py")) as f:
        source = f.read()
    module = types.ModuleType(name)
    exec(compile(source, "models/%s.py" % name, "exec"), module.__dict__)
    sys.modules[name] = module
    return module


common = load_module("common")
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def augment(x, drop, g, max_shift, jitter=((0.7, 1.3), 0.1, (0.7, 1.4))):
    """One random view of each crop in x (B x C x S x S, values in [0,1]): a random 90-degree rotation and
    flip (the microscope has no preferred orientation), a shift of up to max_shift pixels (segmentation
    centroids wobble), per-channel intensity gain, offset and gamma (stains vary between wells and plates;
    jitter = ((gain lo, hi), offset half-width, (gamma lo, hi))), a little pixel noise; channels in `drop`
    (B x C, 1 = dropped) become all zero, as an absent role does in the extractor."""
    b, c, s, _ = x.shape
    out = torch.empty_like(x)
    k = torch.randint(0, 4, (b,), generator=g)
    flip = torch.rand(b, generator=g) < 0.5
    shift = torch.randint(-max_shift, max_shift + 1, (b, 2), generator=g)
    padded = F.pad(x, (max_shift,) * 4)
    for i in range(b):
        dy, dx = int(shift[i, 0]) + max_shift, int(shift[i, 1]) + max_shift
        v = padded[i, :, dy:dy + s, dx:dx + s]
        v = torch.rot90(v, int(k[i]), dims=(1, 2))
        out[i] = v.flip(2) if bool(flip[i]) else v
    (gain_lo, gain_hi), offset_max, (gamma_lo, gamma_hi) = jitter
    gain = torch.empty(b, c, 1, 1).uniform_(gain_lo, gain_hi, generator=g)
    offset = torch.empty(b, c, 1, 1).uniform_(-offset_max, offset_max, generator=g)
    gamma = torch.empty(b, c, 1, 1).uniform_(gamma_lo, gamma_hi, generator=g)
    out = (out.clamp(0, 1).pow(gamma) * gain + offset).clamp(0, 1)
    out = (out + 0.02 * torch.randn(out.shape, generator=g)).clamp(0, 1)
    return out * (1 - drop).reshape(b, c, 1, 1)


def nt_xent(z1, z2, temperature):
    """SimCLR's loss: each view must pick its partner out of the other 2B - 2 views of the batch."""
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    n = z1.shape[0]
    sim = z @ z.t() / temperature
    sim.fill_diagonal_(-1e9)
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, target)


def normalization_option(index):
    """The --normalization option of ./screen crops that cut these crops ("" for the default, per crop)."""
    method = index["normalization"].split(":")[0]
    return "" if method == "CellCropper" else ' --normalization "%s"' % method


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--crops", required=True, help="folder written by ./screen crops (training plates)")
    p.add_argument("--out", required=True, help="model folder to write, e.g. models/cellembed/1")
    p.add_argument("--name", default="cellembed")
    p.add_argument("--version", default="1")
    p.add_argument("--seed", type=int, default=20261127)
    p.add_argument("--steps", type=int, default=400)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--temperature", type=float, default=0.2)
    p.add_argument("--width", type=int, default=64, help="embedding length per channel")
    p.add_argument("--drop", type=float, default=0.15, help="probability of dropping the cell / other channel")
    p.add_argument("--max-shift", type=int, default=3)
    p.add_argument("--pool", type=int, default=1,
                   help="average pool x pool before the encoder (models/context.py); 1 = cellembed/1's network")
    p.add_argument("--gain", default="0.7,1.3", help="per-channel intensity gain range of the augmentation")
    p.add_argument("--offset", type=float, default=0.1, help="per-channel offset half-width of the augmentation")
    p.add_argument("--gamma", default="0.7,1.4", help="per-channel gamma range of the augmentation")
    args = p.parse_args()
    jitter = (tuple(float(v) for v in args.gain.split(",")), args.offset,
              tuple(float(v) for v in args.gamma.split(",")))

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(args.seed)
    g = torch.Generator().manual_seed(args.seed)

    crops_np, _, index = common.load_crops(args.crops)
    if index["roles"] != common.ROLES:
        raise SystemExit("crops have roles %s, the model is built for %s" % (index["roles"], common.ROLES))
    crops = torch.from_numpy(np.ascontiguousarray(crops_np))
    n, c, s, _ = crops.shape
    print("training on %d crops of %d x %d x %d from %s" % (n, c, s, s, args.crops), flush=True)

    if args.pool == 1:
        model = common.CellEmbedder(channels=c, crop=s, width=args.width)
    else:
        model = load_module("context").PooledEmbedder(channels=c, crop=s, pool=args.pool, width=args.width)
    head = common.ProjectionHead(c * args.width)
    params = list(model.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=1e-4)
    warmup = max(1, args.steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: min(1.0, (step + 1) / warmup)
                                                 * 0.5 * (1 + math.cos(math.pi * step / args.steps)))
    model.train()
    head.train()
    t0 = time.time()
    losses = []
    for step in range(args.steps):
        idx = torch.randint(0, n, (args.batch,), generator=g)
        x = crops[idx]
        drop = torch.zeros(args.batch, c)
        drop[:, 1:] = (torch.rand(args.batch, c - 1, generator=g) < args.drop).float()
        v1 = augment(x, drop, g, args.max_shift, jitter)
        v2 = augment(x, drop, g, args.max_shift, jitter)
        loss = nt_xent(head(model(v1)), head(model(v2)), args.temperature)
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
        losses.append(float(loss))
        if step % 50 == 0 or step == args.steps - 1:
            print("step %d/%d loss %.4f (%.0f s)" % (step, args.steps, float(loss), time.time() - t0), flush=True)
    train_seconds = time.time() - t0

    os.makedirs(args.out, exist_ok=True)
    model_path = os.path.join(args.out, "model.pt")
    common.export(model, s, model_path)
    digest = sha256(model_path)
    spec_path = os.path.join(args.out, "model.json")
    previous = {}
    if os.path.exists(spec_path):
        with open(spec_path) as f:
            previous = json.load(f)
    spec = {
        "name": args.name,
        "version": args.version,
        "inputChannels": common.ROLES,
        "cropSize": s,
        "embeddingSize": c * args.width,
        "sha256": digest,
        "normalization": index["normalization"] + "; absent role = all-zero channel",
        "framework": "TorchScript traced with torch %s (Debian python3-torch), CPU" % torch.__version__,
        "architecture": ("" if args.pool == 1 else "%d x %d average pooling of the %d x %d crop, then a "
                         % (args.pool, args.pool, s, s))
                        + "shared per-channel CNN encoder (1 x %d x %d -> %d, 5 conv-BN-ReLU layers, global "
                          "average pool) applied to each input channel; outputs concatenated in inputChannels "
                          "order; an all-zero channel gives an all-zero block" % (s // args.pool, s // args.pool,
                                                                                  args.width),
        "parameters": sum(q.numel() for q in model.parameters()),
        "training": {
            "method": "SimCLR (NT-Xent), self-supervised; projection head %d -> 128 -> 64 dropped at export"
                      % (c * args.width),
            "augmentations": "rot90, flip, shift <= %d px, per-channel gain %g-%g / offset +-%g / gamma "
                             "%g-%g, pixel noise sd 0.02, drop cell/other channel p=%.2f"
                             % (args.max_shift, jitter[0][0], jitter[0][1], jitter[1], jitter[2][0],
                                jitter[2][1], args.drop),
            "data": {"command": "./screen crops --out %s --seeds %s --wells %d --sites %d --size %d --crop %d%s"
                                % ("<dir>", ",".join(str(v) for v in index["synth"]["seeds"]),
                                   index["synth"]["wells"], index["synth"]["sitesPerWell"],
                                   index["synth"]["imageSize"], s, normalization_option(index)),
                     "crops": n, "cropsSha256": sha256(os.path.join(args.crops, "crops.f32"))},
            "seed": args.seed, "steps": args.steps, "batch": args.batch, "lr": args.lr,
            "optimizer": "AdamW wd 1e-4, warmup + cosine", "temperature": args.temperature,
            "threads": 1, "seconds": round(train_seconds),
            "lossFirst50": round(sum(losses[:50]) / min(50, len(losses)), 4),
            "lossLast50": round(sum(losses[-50:]) / min(50, len(losses)), 4),
        },
    }
    if "metrics" in previous:
        spec["metrics"] = previous["metrics"]  # written by evaluate.py; stale if the sha changed
        spec["metricsSha256"] = previous.get("metricsSha256")
    with open(spec_path, "w") as f:
        json.dump(spec, f, indent=2)
        f.write("\n")
    print("wrote %s (sha256 %s) after %.0f s of training" % (model_path, digest, train_seconds))


if __name__ == "__main__":
    main()
