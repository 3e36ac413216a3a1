"""Slot attention corrector with a GRU whose hidden state is the *normalised* slots (official quirk).

Source: martius-lab/slotcontrast ``slotcontrast/modules/groupers.py`` (``SlotAttention``) and METHODS.md §1.3:
x = LN(h); k = x·Wk; v = x·Wv (no bias); per iteration: ŝ = LN(s); q = ŝ·Wq;
A = softmax_k(q·kᵀ/√S); A' = (A + eps)/Σ_p(A + eps); u = A'·v; s = GRUCell(u, ŝ); s = s + MLP(LN(s)).
Returns the slots and A of the last iteration.
"""
from typing import Dict

import torch
from torch import nn

from .mlp import MLP


class GRUCell(nn.Module):
    """torch.nn.GRUCell written out with linears + sigmoid/tanh (same parameters, exportable as plain ops).

    r = σ(W_ir x + b_ir + W_hr h + b_hr); z = σ(W_iz x + b_iz + W_hz h + b_hz);
    n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)); h' = (1 − z) ⊙ n + z ⊙ h   (gate order r, z, n as in torch).
    """

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        reference = nn.GRUCell(input_size, hidden_size)  # torch's initialisation, same parameter names
        self.hidden_size = hidden_size
        self.weight_ih = nn.Parameter(reference.weight_ih.detach().clone())
        self.weight_hh = nn.Parameter(reference.weight_hh.detach().clone())
        self.bias_ih = nn.Parameter(reference.bias_ih.detach().clone())
        self.bias_hh = nn.Parameter(reference.bias_hh.detach().clone())

    def forward(self, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        gi = torch.matmul(x, self.weight_ih.t()) + self.bias_ih
        gh = torch.matmul(h, self.weight_hh.t()) + self.bias_hh
        n_h = self.hidden_size
        r = torch.sigmoid(gi[..., :n_h] + gh[..., :n_h])
        z = torch.sigmoid(gi[..., n_h:2 * n_h] + gh[..., n_h:2 * n_h])
        n = torch.tanh(gi[..., 2 * n_h:] + r * gh[..., 2 * n_h:])
        return (1 - z) * n + z * h


class SlotAttention(nn.Module):
    """Official SlotAttention(inp_dim=S, slot_dim=S, use_gru, use_mlp) with eps = 1e-8 by default."""

    def __init__(self, inp_dim: int, slot_dim: int, mlp_hidden: int, eps: float = 1e-8):
        super().__init__()
        self.to_k = nn.Linear(inp_dim, slot_dim, bias=False)
        self.to_v = nn.Linear(inp_dim, slot_dim, bias=False)
        self.to_q = nn.Linear(slot_dim, slot_dim, bias=False)
        self.gru = GRUCell(slot_dim, slot_dim)
        self.mlp = MLP(slot_dim, slot_dim, [mlp_hidden], initial_layer_norm=True, residual=True)
        self.norm_features = nn.LayerNorm(inp_dim)
        self.norm_slots = nn.LayerNorm(slot_dim)
        self.eps = eps
        self.scale = slot_dim ** -0.5

    def forward(self, slots: torch.Tensor, features: torch.Tensor, n_iters: int) -> Dict[str, torch.Tensor]:
        if n_iters < 1:
            raise ValueError("slot attention needs at least one iteration")
        x = self.norm_features(features)
        keys, values = self.to_k(x), self.to_v(x)
        attention = None
        for _ in range(n_iters):  # unrolled in the exported graphs
            normed = self.norm_slots(slots)
            q = self.to_q(normed)
            attention = torch.softmax(torch.matmul(q, keys.transpose(-2, -1)) * self.scale, dim=1)
            weights = attention + self.eps
            weights = weights / weights.sum(dim=-1, keepdim=True)
            updates = torch.matmul(weights, values)
            slots = self.mlp(self.gru(updates, normed))
        return {"slots": slots, "attention": attention}
