#!/usr/bin/python3
"""Throughput of a TorchScript cell-embedding model with torch alone (no DJL, no Java): crops/s per batch size
and precision, forward only (input already on the device) and with the copies the worker pays (a float32 batch
from host memory to the device, the embeddings back). Prints a markdown table on stdout, progress on stderr.

  /usr/bin/python3 benchmarks/gpu/model_throughput.py --model-dir DIR [--device cuda|cpu] \
      [--batches 1,2,4,...,1024] [--dtypes fp32,fp16] [--seconds 2]

The model directory holds model.pt and model.json (inputChannels, cropSize, embeddingSize), as the extractor
loads it. Inputs are deterministic pseudo-random crops in [0, 1] (the extractor normalises every crop to that
range), so the figures do not depend on the plate.
"""
import argparse
import json
import os
import platform
import sys
import time

import torch


def log(msg):
    print("[model-throughput] " + msg, file=sys.stderr, flush=True)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def timed(fn, device, seconds, min_iters=5):
    """Calls fn until at least `seconds` and `min_iters` calls have passed; returns (iterations, elapsed s)."""
    for _ in range(3):  # warm-up: cuDNN autotuning, allocator, lazy init
        fn()
    sync(device)
    iters = 0
    start = time.perf_counter()
    while True:
        fn()
        iters += 1
        if iters >= min_iters:
            sync(device)
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                return iters, elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--batches", default=",".join(str(2 ** i) for i in range(11)))
    ap.add_argument("--dtypes", default="fp32,fp16")
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()

    spec = json.load(open(os.path.join(args.model_dir, "model.json")))
    channels, size, dim = len(spec["inputChannels"]), spec["cropSize"], spec["embeddingSize"]
    device = torch.device(args.device)
    torch.backends.cudnn.benchmark = True
    torch.set_grad_enabled(False)
    base = torch.jit.load(os.path.join(args.model_dir, "model.pt"), map_location="cpu").eval()
    name = "%s/%s" % (spec.get("name", "?"), spec.get("version", "?"))
    what = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu"
    log("model %s (%d x %d x %d -> %d) on %s (%s), torch %s" % (name, channels, size, size, dim, device, what,
                                                              torch.__version__))
    gen = torch.Generator().manual_seed(42)
    rows = []
    for dtype_name in args.dtypes.split(","):
        dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[dtype_name]
        if device.type == "cpu" and dtype == torch.float16:
            log("skipping fp16 on the CPU (most CPU kernels lack it)")
            continue
        model = base.to(device=device, dtype=dtype)
        for batch in (int(b) for b in args.batches.split(",")):
            host = torch.rand(batch, channels, size, size, generator=gen)  # what the worker hands over: fp32
            on_device = host.to(device=device, dtype=dtype)
            if device.type == "cuda":
                torch.cuda.reset_peak_memory_stats(device)
            try:
                out = model(on_device)
                if tuple(out.shape) != (batch, dim):
                    raise SystemExit("model returned %s for a batch of %d, model.json says (N, %d)"
                                     % (tuple(out.shape), batch, dim))
                n, s = timed(lambda: model(on_device), device, args.seconds)
                forward = n * batch / s
                n2, s2 = timed(lambda: model(host.to(device=device, dtype=dtype)).float().cpu(), device,
                               args.seconds)
                copied = n2 * batch / s2
                peak = torch.cuda.max_memory_allocated(device) / 2 ** 20 if device.type == "cuda" else float("nan")
            except RuntimeError as e:  # out of memory at large batches: report and go on
                log("%s batch %d failed: %s" % (dtype_name, batch, str(e).splitlines()[0]))
                if device.type == "cuda":
                    torch.cuda.empty_cache()
                rows.append((dtype_name, batch, None, None, None, None))
                continue
            rows.append((dtype_name, batch, forward, copied, 1000.0 * s2 / n2, peak))
            log("%s batch %4d: %10.0f crops/s forward, %10.0f with copies" % (dtype_name, batch, forward, copied))

    print("Model %s (%d x %d x %d crops -> %d floats), torch %s on %s (%s); each figure is one timed loop of at"
          " least %.1f s after 3 warm-up passes.\n" % (name, channels, size, size, dim, torch.__version__, device, what,
                                          args.seconds))
    print("| precision | batch | forward crops/s | with host copies crops/s | ms per batch (with copies) |"
          " peak GPU MiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for dtype_name, batch, forward, copied, ms, peak in rows:
        if forward is None:
            print("| %s | %d | failed | failed | | |" % (dtype_name, batch))
        else:
            print("| %s | %d | %.0f | %.0f | %.2f | %s |" % (dtype_name, batch, forward, copied, ms,
                                                            "-" if peak != peak else "%.0f" % peak))


if __name__ == "__main__":
    main()
