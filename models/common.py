"""Shared pieces of the cell-embedding model: the crop files `./screen crops` writes, the network, the
augmentations. Used by train.py and evaluate.py; run both from the repository root with /usr/bin/python3
(Debian's python3-torch)."""

import json
import os

import numpy as np
import torch
from torch import nn

ROLES = ["nuclear", "cell", "other"]


def load_crops(folder):
    """(crops N x C x S x S float32 memmap, cell features N x F float32 memmap, index dict) of a crops folder."""
    with open(os.path.join(folder, "crops.json")) as f:
        index = json.load(f)
    n, c, s = index["count"], len(index["channels"]), index["cropSize"]
    crops = np.memmap(os.path.join(folder, "crops.f32"), dtype="<f4", mode="r", shape=(n, c, s, s))
    f = len(index["featureNames"])
    cells = np.memmap(os.path.join(folder, "cells.f32"), dtype="<f4", mode="r", shape=(n, f))
    return crops, cells, index


def conv(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class ChannelEncoder(nn.Module):
    """One image channel (1 x S x S) -> a width-d vector; shared by every channel of a crop."""

    def __init__(self, width=64):
        super().__init__()
        # 40 -> 20 -> 10 -> 5 pixels; small enough for CPU training in minutes and CPU inference in the extractor
        self.body = nn.Sequential(conv(1, 16, 2), conv(16, 32, 1), conv(32, 48, 2), conv(48, 64, 2),
                                  conv(64, width, 1))

    def forward(self, x):
        return self.body(x).mean(dim=(2, 3))


class CellEmbedder(nn.Module):
    """N x C x S x S crops -> N x (C * width): the shared encoder on each channel, outputs concatenated in channel
    order. A channel that is all zeros (a role the plate lacks) contributes an all-zero block, so its absence
    reads the same on every plate."""

    def __init__(self, channels=3, crop=40, width=64):
        super().__init__()
        self.channels, self.crop, self.width = channels, crop, width
        self.encoder = ChannelEncoder(width)

    def forward(self, x):
        present = (x.amax(dim=(2, 3)) > 0).to(x.dtype)  # N x C
        f = self.encoder(x.reshape(-1, 1, self.crop, self.crop)).reshape(-1, self.channels, self.width)
        return (f * present.unsqueeze(2)).reshape(-1, self.channels * self.width)


class ProjectionHead(nn.Module):
    """SimCLR's projection: the contrastive loss is computed here, the embedding is taken before it."""

    def __init__(self, dim, hidden=128, out=64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, out))

    def forward(self, x):
        return self.net(x)


def export(model, crop, path):
    """Traces the model (eval mode, dynamic batch) to TorchScript at `path`. The trace runs on a fresh thread:
    TorchScript keeps the Python call stack of the trace as debug information, and a thread's stack holds only
    this file and torch's, so the file's bytes do not depend on where the checkout lives."""
    import threading
    model.eval()
    example = torch.zeros(2, model.channels, crop, crop)
    example[:, :, crop // 4:crop // 2, crop // 4:crop // 2] = 1
    failure = []

    def run():
        try:
            with torch.no_grad():
                traced = torch.jit.trace(model, example)
            torch.jit.save(traced, path)
        except BaseException as e:  # re-raised on the caller's thread
            failure.append(e)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if failure:
        raise failure[0]
