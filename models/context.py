"""cellembed/2's network: cellembed/1's shared per-channel encoder (common.py) on a larger crop, averaged down first.

A 64 x 64 crop shows the cell and its neighbours (the synthetic plates have ~43 px between nuclei), so crowding
and cell loss reach the embedding; 2 x 2 averaging brings it to 32 x 32, so it costs less than cellembed/1's
40 x 40. Loaded by train.py under the fixed name models/context.py (see common.py's export)."""

import torch.nn.functional as F
from torch import nn

import common


class PooledEmbedder(nn.Module):
    """N x C x S x S crops -> 2 x 2 (or pool x pool) average -> CellEmbedder -> N x (C * width). An all-zero
    channel stays all zero after averaging, so an absent role still gives an all-zero block."""

    def __init__(self, channels=3, crop=64, pool=2, width=64):
        super().__init__()
        if crop % pool != 0:
            raise ValueError("crop %d is not a multiple of pool %d" % (crop, pool))
        self.channels, self.crop, self.pool, self.width = channels, crop, pool, width
        self.embedder = common.CellEmbedder(channels=channels, crop=crop // pool, width=width)

    def forward(self, x):
        return self.embedder(F.avg_pool2d(x, self.pool))
