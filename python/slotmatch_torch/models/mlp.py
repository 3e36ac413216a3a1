"""The official ``networks.MLP`` layout: ``layers`` = [LayerNorm?] (Linear, ReLU)* Linear, optional residual.

Source: martius-lab/slotcontrast ``slotcontrast/modules/networks.py`` (``MLP``, default weight init =
PyTorch's Linear init with zero biases). The ``layers.<i>`` indices are what the official state_dict keys use.
"""
from typing import List

import torch
from torch import nn


class MLP(nn.Module):
    """y = layers(x) (+ x when residual); layers = [LN(in)] Lin(in→h1) ReLU … Lin(h_n→out)."""

    def __init__(self, inp_dim: int, outp_dim: int, hidden_dims: List[int], initial_layer_norm: bool = False,
                 residual: bool = False, ln_eps: float = 1e-5):
        super().__init__()
        if residual and inp_dim != outp_dim:
            raise ValueError("a residual MLP needs inp_dim == outp_dim")
        self.residual = residual
        layers: List[nn.Module] = []
        if initial_layer_norm:
            layers.append(nn.LayerNorm(inp_dim, eps=ln_eps))
        cur = inp_dim
        for dim in hidden_dims:
            layers += [nn.Linear(cur, dim), nn.ReLU()]
            cur = dim
        layers.append(nn.Linear(cur, outp_dim))
        self.layers = nn.Sequential(*layers)
        for layer in self.layers:
            if isinstance(layer, nn.Linear):
                nn.init.zeros_(layer.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.layers(x)
        return x + y if self.residual else y

    def linears(self) -> List[nn.Linear]:
        return [m for m in self.layers if isinstance(m, nn.Linear)]
