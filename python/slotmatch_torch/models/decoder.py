"""MLP decoder with alpha masks (official ``MLPDecoder``), METHODS.md §1.5.

z[k,p] = s[k] + E[p]; o = MLP(S→h1→…→D+1, ReLU); (rec, α) = split(o, [D, 1]); m = softmax_k(α);
recon[p] = Σ_k m[k,p]·rec[k,p]. ``pos_emb`` is stored as [1, 1, P, S] like the official parameter.
"""
from typing import Dict, List

import torch
from torch import nn

from .mlp import MLP


class MLPDecoder(nn.Module):
    def __init__(self, slot_dim: int, feature_dim: int, hidden_dims: List[int], num_patches: int):
        super().__init__()
        self.feature_dim = feature_dim
        self.mlp = MLP(slot_dim, feature_dim + 1, hidden_dims)
        self.pos_emb = nn.Parameter(torch.randn(1, 1, num_patches, slot_dim) * slot_dim ** -0.5)

    def forward(self, slots: torch.Tensor) -> Dict[str, torch.Tensor]:
        z = slots.unsqueeze(2) + self.pos_emb[0]  # [B, K, P, S]
        out = self.mlp(z)
        recons, alpha = out[..., : self.feature_dim], out[..., self.feature_dim:]
        masks = torch.softmax(alpha, dim=1)  # over slots
        reconstruction = torch.sum(recons * masks, dim=1)
        return {"reconstruction": reconstruction, "masks": masks.squeeze(-1), "recons": recons}
