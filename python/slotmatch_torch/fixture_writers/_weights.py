"""Seeded parameter perturbation for fixtures: a random-initialised model whose every parameter matters.

At their initialisation biases are 0, LayerNorm affine parameters 1/0, LayerScale 1e-5 and the decoder's
alpha logits nearly equal, so a forward pass barely depends on many parameters and masks are almost uniform;
a fixture made that way could not catch a dropped bias or a wrong scale. This redraws: 1-D parameters
+= 0.1·N(0,1); weight matrices ~ N(0, (gain/√fan_in)²); LayerScale γ ~ U(0.2, 0.6); ViT position embedding
~ N(0, 0.5²).
"""
import torch
from torch import nn


def perturb_for_fixture(model: nn.Module, generator: torch.Generator, gain: float = 1.5,
                        skip_prefix: str = "\0") -> None:
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.startswith(skip_prefix):
                continue
            if name.endswith(".gamma"):
                p.copy_(0.2 + 0.4 * torch.rand(p.shape, generator=generator))
            elif name.endswith("pos_embed"):
                p.copy_(0.5 * torch.randn(p.shape, generator=generator))
            elif p.ndim == 1:
                p.add_(0.1 * torch.randn(p.shape, generator=generator))
            elif p.ndim == 2:
                p.copy_(torch.randn(p.shape, generator=generator) * gain / p.shape[1] ** 0.5)
