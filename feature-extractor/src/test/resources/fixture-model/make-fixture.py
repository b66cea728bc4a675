#!/usr/bin/python3
"""Traces the tiny TorchScript fixture used by the embedding tests (not a product model).

Run with Debian's python3-torch (1.13): /usr/bin/python3 make-fixture.py
Writes model.pt and model.json next to this script. model.json carries the sha256 of model.pt and the
outputs python computed for the deterministic inputs defined in fixture_input(), so the Java tests can check
that DJL reproduces them.
"""
import hashlib
import json
import math
import os

import torch

CHANNELS = ["DNA", "Actin", "Mito"]
CROP = 24
EMBED = 8
# Crop indices whose expected embeddings are stored; the Java test rebuilds the same inputs.
EXPECTED_CROPS = [0, 1, 7]


class TinyEmbedder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(len(CHANNELS), 6, kernel_size=3, padding=1)
        self.fc = torch.nn.Linear(6, EMBED)

    def forward(self, x):
        y = torch.relu(self.conv(x))
        # Global average pool written as a mean so the traced graph keeps the batch dimension dynamic.
        y = y.mean(dim=(2, 3))
        return self.fc(y)


def fixture_input(k):
    """Crop k: x[c][h][w] = sin(0.05 * (c * CROP * CROP + h * CROP + w) + 0.7 * k), computed in double, stored
    as float32 (the Java side uses the same formula)."""
    data = [[[math.sin(0.05 * (c * CROP * CROP + h * CROP + w) + 0.7 * k) for w in range(CROP)]
             for h in range(CROP)] for c in range(len(CHANNELS))]
    return torch.tensor(data, dtype=torch.float32)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(20240607)
    model = TinyEmbedder().eval()
    example = torch.stack([fixture_input(0), fixture_input(1)])
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
    pt = os.path.join(here, "model.pt")
    traced.save(pt)
    with open(pt, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()

    reloaded = torch.jit.load(pt)
    with torch.no_grad():
        out = reloaded(torch.stack([fixture_input(k) for k in EXPECTED_CROPS]))
    expected = {str(k): [float(v) for v in out[i].tolist()] for i, k in enumerate(EXPECTED_CROPS)}

    spec = {
        "name": "fixture-tiny",
        "version": "1",
        "inputChannels": CHANNELS,
        "cropSize": CROP,
        "embeddingSize": EMBED,
        "sha256": sha,
        "normalization": "none: test fixture, fed raw floats",
        "framework": "TorchScript traced with torch " + torch.__version__,
        "expected": {
            "inputFormula": "x[c][h][w] = (float) sin(0.05 * (c*24*24 + h*24 + w) + 0.7 * k)",
            "outputs": expected,
        },
    }
    with open(os.path.join(here, "model.json"), "w") as f:
        json.dump(spec, f, indent=2)
        f.write("\n")
    print("wrote", pt, os.path.getsize(pt), "bytes, sha256", sha)


if __name__ == "__main__":
    main()
