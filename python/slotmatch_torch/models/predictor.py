"""Transformer predictor of the next frame's initial slots, with the official attention-scale quirk.

Source: martius-lab/slotcontrast ``slotcontrast/modules/networks.py`` (``TransformerEncoder`` of
``TransformerEncoderLayer``s with norm_first=True, ReLU FF of width 4S, dropout 0, no final LayerNorm; its
``Attention`` divides q by ``scale = d_head^-1/2``, so logits are (q·k)·√d_head instead of (q·k)/√d_head —
METHODS.md §1.4). Parameter names: ``blocks.<i>.{norm1,norm2,self_attn.qkv,self_attn.out_proj,linear1,linear2}``.
"""
import math

import torch
from torch import nn


class PredictorAttention(nn.Module):
    """Multi-head self-attention over the K slots; softmax((q·√d_head)·kᵀ) (the quirk)."""

    def __init__(self, dim: int, heads: int, qkv_bias: bool = True):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=qkv_bias)
        self.out_proj = nn.Linear(dim, dim)
        bound = math.sqrt(6.0 / (dim + dim))  # Xavier for each of Q, K, V separately (official init)
        nn.init.uniform_(self.qkv.weight, -bound, bound)
        if self.qkv.bias is not None:
            nn.init.zeros_(self.qkv.bias)
        nn.init.xavier_uniform_(self.out_proj.weight)
        nn.init.zeros_(self.out_proj.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, k, d = x.shape
        q, key, v = self.qkv(x).chunk(3, dim=-1)
        q, key, v = (t.reshape(b, k, self.heads, self.head_dim).transpose(1, 2) for t in (q, key, v))
        logits = torch.matmul(q * math.sqrt(self.head_dim), key.transpose(-2, -1))
        attn = torch.softmax(logits, dim=-1)
        return self.out_proj(torch.matmul(attn, v).transpose(1, 2).reshape(b, k, d))


class PredictorBlock(nn.Module):
    """x = x + SA(LN1(x)); x = x + Lin2(ReLU(Lin1(LN2(x))))."""

    def __init__(self, dim: int, heads: int, hidden: int, qkv_bias: bool = True):
        super().__init__()
        self.self_attn = PredictorAttention(dim, heads, qkv_bias)
        self.linear1 = nn.Linear(dim, hidden)
        self.linear2 = nn.Linear(hidden, dim)
        self.norm1 = nn.LayerNorm(dim, eps=1e-5)
        self.norm2 = nn.LayerNorm(dim, eps=1e-5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.self_attn(self.norm1(x))
        return x + self.linear2(torch.relu(self.linear1(self.norm2(x))))


class Predictor(nn.Module):
    def __init__(self, dim: int, blocks: int, heads: int, hidden: int, qkv_bias: bool = True):
        super().__init__()
        self.blocks = nn.ModuleList([PredictorBlock(dim, heads, hidden, qkv_bias) for _ in range(blocks)])

    def forward(self, slots: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            slots = block(slots)
        return slots
