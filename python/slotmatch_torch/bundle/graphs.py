"""The three exported graphs of a bundle (docs/MODEL_BUNDLE.md, "Graph I/O") as torch modules.

- encoder: pixels [N,3,H,W] → features [N,P,D]; a ViT's position embedding is resampled to the token grid
  once here and stored as a constant (no antialiased Resize in the graph).
- first: features [B,P,D] → slots, masks, attention, next_init (learned initial slots inside, 3 iterations).
- next: features [B,P,D], init [B,K,S] → the same (2 iterations).
The slot iterations are unrolled by tracing and the GRU is plain MatMul/Sigmoid/Tanh (``models.GRUCell``).
"""
from typing import Tuple

import torch
from torch import nn

from ..models import SlotContrastModel, VisionTransformer

STEP_OUTPUTS = ["slots", "masks", "attention", "next_init"]


class EncoderGraph(nn.Module):
    def __init__(self, model: SlotContrastModel):
        super().__init__()
        self.backbone = model.backbone.model
        cfg = model.config
        if isinstance(self.backbone, VisionTransformer):
            pos = self.backbone.position_embedding((cfg.grid_height, cfg.grid_width)).detach().clone()
            self.register_buffer("pos_embed", pos)
        else:
            self.pos_embed = None

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        if self.pos_embed is not None:
            return self.backbone(pixels, pos_embed=self.pos_embed)
        return self.backbone(pixels)


class FirstGraph(nn.Module):
    def __init__(self, model: SlotContrastModel, with_reconstruction: bool = False):
        super().__init__()
        self.model = model
        self.with_reconstruction = with_reconstruction

    def forward(self, features: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        out = self.model.step(features, None)
        names = STEP_OUTPUTS + (["reconstruction"] if self.with_reconstruction else [])
        return tuple(out[n] for n in names)


class NextGraph(FirstGraph):
    def forward(self, features: torch.Tensor, init: torch.Tensor) -> Tuple[torch.Tensor, ...]:  # type: ignore[override]
        out = self.model.step(features, init)
        names = STEP_OUTPUTS + (["reconstruction"] if self.with_reconstruction else [])
        return tuple(out[n] for n in names)
