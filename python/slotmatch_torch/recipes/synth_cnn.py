"""The ``'synth-cnn'`` backbone: a small stride-1 CNN with a soft position embedding, for the synthetic world.

pixels [N,3,H,W] → L × (Conv k×k, stride 1, 'same' padding, ReLU) → avg-pool by ``stride`` → h [N,C,H/s,W/s];
tokens[p] = h[p] + W_pos·g[p] + b_pos with g = (x, y, 1 − x, 1 − y) on a [0, 1] grid of the token grid
(the "soft position embedding" of Slot Attention, Locatello et al. 2020, google-research/slot_attention
``SoftPositionEmbed``). Because g lives on [0, 1], the same weights serve any pooling: stage 1 trains the
backbone at stride 1 (one token per pixel) and the stage-2 models pool it by 2.

``ModelConfig.backbone_options``: ``dim`` (C, the token width D), ``stride`` (pooling factor, the token grid is
H/stride × W/stride), ``layers`` (default 4), ``kernel`` (odd, default 5).
"""
from typing import Any, Dict

import torch
from torch import nn
import torch.nn.functional as F

from ..models.backbones import register_backbone


def position_grid(height: int, width: int) -> torch.Tensor:
    """g [H·W, 4] = (x, y, 1 − x, 1 − y) with x, y = linspace(0, 1) over the columns / rows, row-major."""
    ys = torch.linspace(0.0, 1.0, height)
    xs = torch.linspace(0.0, 1.0, width)
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    return torch.stack([gx, gy, 1.0 - gx, 1.0 - gy], dim=-1).reshape(height * width, 4)


class SynthCNN(nn.Module):
    """CNN + soft position embedding: pixels [N,3,H,W] → tokens [N,(H/s)(W/s),C] (module doc)."""

    def __init__(self, image_height: int, image_width: int, dim: int, stride: int = 1, layers: int = 4, kernel: int = 5):
        super().__init__()
        if kernel % 2 != 1 or layers < 1 or dim < 1 or stride < 1:
            raise ValueError("synth-cnn: kernel must be odd, layers, dim and stride positive")
        if image_height % stride or image_width % stride:
            raise ValueError(f"synth-cnn: image {image_height}x{image_width} is not a multiple of stride {stride}")
        convs = []
        channels = 3
        for _ in range(layers):
            convs += [nn.Conv2d(channels, dim, kernel, padding=kernel // 2), nn.ReLU()]
            channels = dim
        self.convs = nn.Sequential(*convs)
        self.stride = stride
        self.grid = (image_height // stride, image_width // stride)
        self.register_buffer("positions", position_grid(*self.grid), persistent=False)
        self.position = nn.Linear(4, dim)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        h = self.convs(pixels)
        if self.stride > 1:
            h = F.avg_pool2d(h, self.stride)
        tokens = h.flatten(2).transpose(1, 2)  # [N, P, C], p = y·gw + x
        return tokens + self.position(self.positions)


def build_synth_cnn(cfg) -> nn.Module:
    """Builder for ``register_backbone``: reads ``cfg.backbone_options`` (module doc)."""
    options: Dict[str, Any] = dict(cfg.backbone_options)
    return SynthCNN(cfg.image_height, cfg.image_width, int(options["dim"]), int(options.get("stride", 1)),
                    int(options.get("layers", 4)), int(options.get("kernel", 5)))


register_backbone("synth-cnn", build_synth_cnn)
