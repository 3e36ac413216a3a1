"""Pluggable frame backbones with the ``encode`` contract: pixels [N,3,H,W] (normalised) → tokens [N,P,D].

A backbone is registered by name with a builder ``(cfg: ModelConfig) -> nn.Module`` whose module maps
pixels to row-major grid tokens (p = y·gridWidth + x) of width ``cfg.feature_dim`` on the grid
``cfg.grid_height × cfg.grid_width``. The built-in ``'vit'`` is the DINOv2/timm ViT of SlotContrast.
Whatever the backbone, it sits at ``encoder.module.backbone.model`` so official key names hold.
"""
from typing import Callable, Dict

import torch
from torch import nn

from ..config import ModelConfig
from .vit import VisionTransformer

BackboneBuilder = Callable[[ModelConfig], nn.Module]
_REGISTRY: Dict[str, BackboneBuilder] = {}


def register_backbone(name: str, builder: BackboneBuilder) -> None:
    """Make ``ModelConfig(backbone=name)`` build ``builder(cfg)`` (e.g. a CNN for the synthetic world)."""
    _REGISTRY[name] = builder


def backbone_names():
    return sorted(_REGISTRY)


def _build_vit(cfg: ModelConfig) -> nn.Module:
    return VisionTransformer(depth=cfg.vit_depth, dim=cfg.vit_width, heads=cfg.vit_heads, patch=cfg.patch_size,
                             mlp_ratio=cfg.vit_mlp_ratio, layer_scale=cfg.layer_scale, pos_grid=cfg.pos_grid,
                             eps=cfg.vit_ln_eps)


register_backbone("vit", _build_vit)


class Backbone(nn.Module):
    """Holds the registered backbone as ``model``; frozen (no grad, eval mode) unless trainable."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        if cfg.backbone not in _REGISTRY:
            raise ValueError(f"unknown backbone {cfg.backbone!r}; registered: {backbone_names()}")
        self.model = _REGISTRY[cfg.backbone](cfg)
        self.trainable = bool(cfg.trainable_backbone)
        if not self.trainable:
            self.model.requires_grad_(False)

    def train(self, mode: bool = True):
        super().train(mode)
        if not self.trainable:
            self.model.eval()
        return self

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        if self.trainable:
            return self.model(pixels)
        with torch.no_grad():
            return self.model(pixels)
