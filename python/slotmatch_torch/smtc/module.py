"""SMTC's slot head after the backbone (METHODS.md §3), a re-implementation of
``src/model/model_twostage.py`` of shvdiwnkozbw/SMTC with the same parameter names
(``transport_proj``, ``slot_attention.*``, ``mlp_slot.*``):

* fusion: C_t = K̃_{t−1}ᵀ K_t (raw dot products; the previous frame's keys resized bilinearly,
  align_corners=False, to the fusion grid h̃×w̃; frame 0 uses frame T−1: cyclic over the clip);
  K_fused = K_t + Conv1d_{h̃w̃→D}(C_t).
* stage 1 (semantic): slots start at μ; LN, q = W_q·LN(s) + b, logits L = q·kᵀ·D^−½,
  A = softmax over slots + 1e-8, renormalised over tokens; s = s + A·v; s = s + MLP(LN(s)); no GRU.
  L_sem = the logits of the last iteration.
* stage 2 (instances): P slots per centre, μ + σ·noise with σ = exp(slots_sigma); softmax over the
  P slots of a centre + 1e-8, times the gate 1[L_sem > 0.3] (``gate="softmax"``: softmax over
  centres of L_sem, the older code), renormalised over tokens with +1e-8; same residual updates.

Noise is an argument so the head is deterministic for tests; ``None`` samples it as the official
code does (``torch.normal(mu, sigma)``).
"""
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from torch import nn


def fuse_keys(keys: torch.Tensor, proj: nn.Conv1d, fusion_size) -> torch.Tensor:
    """keys [B, T, D, h, w] → fused keys [B, T, D, h·w] (rule in the module docstring)."""
    b, t, d, h, w = keys.shape
    flat = keys.reshape(b * t, d, h, w)
    small = F.interpolate(flat, size=tuple(fusion_size), mode="bilinear", align_corners=False)
    small = small.reshape(b, t, d, -1)
    prev = torch.roll(small, shifts=1, dims=1)  # frame t sees frame t−1; frame 0 sees frame T−1
    k = keys.reshape(b, t, d, h * w)
    corr = torch.einsum("btcn,btcm->btnm", prev, k).reshape(b * t, -1, h * w)
    return k + proj(corr).reshape(b, t, d, h * w)


class SemanticAwareSlotAttention(nn.Module):
    """Two-stage semantic-aware slot attention (rule in the module docstring)."""

    def __init__(self, num_slots: int, dim: int, num_instances: int = 4, iters: int = 3,
                 hidden_dim: Optional[int] = None, eps: float = 1e-8):
        super().__init__()
        self.num_slots = num_slots
        self.num_instances = num_instances
        self.iters = iters
        self.eps = eps
        self.scale = dim ** -0.5
        self.norm_input = nn.LayerNorm(dim)
        self.norm_slots = nn.LayerNorm(dim)
        self.norm_pre_ff = nn.LayerNorm(dim)
        self.slots_mu = nn.Parameter(torch.randn(1, num_slots, 1, dim))
        self.slots_sigma = nn.Parameter(torch.zeros(1, num_slots, 1, dim))
        nn.init.xavier_uniform_(self.slots_sigma)
        self.project_q = nn.Linear(dim, dim)
        self.project_k = nn.Linear(dim, dim)
        self.project_v = nn.Linear(dim, dim)
        hidden = max(dim, hidden_dim or dim)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, dim))

    def _update(self, slots, updates):
        slots = slots + updates
        return slots + self.mlp(self.norm_pre_ff(slots))

    def forward(self, inputs: torch.Tensor, noise: Optional[torch.Tensor] = None, gate: str = "threshold",
                threshold: float = 0.3) -> Dict[str, torch.Tensor]:
        """inputs [B, N, D]; noise [B, S, P, D] (standard normal) → semantic/instance slots and logits."""
        if gate not in ("threshold", "softmax"):
            raise ValueError(f"gate must be 'threshold' or 'softmax', got {gate!r}")
        x = self.norm_input(inputs)
        k = self.project_k(x)
        v = self.project_v(x)
        b = inputs.shape[0]
        mu = self.slots_mu.expand(b, -1, self.num_instances, -1)
        sigma = self.slots_sigma.exp().expand(b, -1, self.num_instances, -1)
        if noise is None:
            noise = torch.randn_like(mu)
        instance_init = mu + sigma * noise

        slots = self.slots_mu.expand(b, -1, -1, -1).squeeze(2)
        for _ in range(self.iters):
            q = self.project_q(self.norm_slots(slots))
            dots = torch.einsum("bid,bjd->bij", q, k) * self.scale
            attn = dots.softmax(dim=1) + self.eps
            attn = attn / attn.sum(dim=-1, keepdim=True)
            slots = self._update(slots, torch.einsum("bjd,bij->bid", v, attn))
        semantic_slots, semantic_logits = slots, dots

        if gate == "threshold":
            mask = (semantic_logits > threshold).to(inputs.dtype)
        else:
            mask = torch.softmax(semantic_logits, dim=1)
        slots = instance_init
        for _ in range(self.iters):
            q = self.project_q(self.norm_slots(slots))
            dots = torch.einsum("bkid,bjd->bkij", q, k) * self.scale
            attn = (dots.softmax(dim=2) + self.eps) * mask.unsqueeze(2)
            attn = attn / (attn.sum(dim=-1, keepdim=True) + 1e-8)
            slots = self._update(slots, torch.einsum("bjd,bkij->bkid", v, attn))
        return {"semantic_slots": semantic_slots, "semantic_logits": semantic_logits,
                "instance_slots": slots, "instance_logits": dots, "instance_init": instance_init}


class SMTCHead(nn.Module):
    """Key fusion + semantic-aware slot attention + instance embedding MLP of SMTC.

    ``forward(keys [B, T, D, h, w], noise [B·T, S, P, D])`` returns the slot-attention outputs with
    B·T leading, the fused keys [B, T, N, D], the masks (semantic: softmax over centres of L_sem;
    instance: semantic mask × softmax over the P slots of a centre) and the instance embeddings
    z = L2norm(MLP(384→768→384)(u)) used by L_obj.
    """

    def __init__(self, num_slots: int = 16, num_instances: int = 4, dim: int = 384, iters: int = 3,
                 fusion_size=(16, 16)):
        super().__init__()
        self.fusion_size = tuple(fusion_size)
        self.transport_proj = nn.Conv1d(self.fusion_size[0] * self.fusion_size[1], dim, kernel_size=1, padding=0)
        self.mlp_slot = nn.Sequential(nn.Linear(dim, 2 * dim), nn.ReLU(inplace=True), nn.Linear(2 * dim, dim))
        self.slot_attention = SemanticAwareSlotAttention(num_slots, dim, num_instances, iters, hidden_dim=dim)

    def forward(self, keys: torch.Tensor, noise: Optional[torch.Tensor] = None, gate: str = "threshold",
                threshold: float = 0.3) -> Dict[str, torch.Tensor]:
        b, t, d, h, w = keys.shape
        fused = fuse_keys(keys, self.transport_proj, self.fusion_size).permute(0, 1, 3, 2)
        out = self.slot_attention(fused.reshape(b * t, h * w, d), noise, gate, threshold)
        semantic_mask = F.softmax(out["semantic_logits"], dim=1)
        instance_mask = semantic_mask.unsqueeze(2) * F.softmax(out["instance_logits"], dim=2)
        out.update(fused_keys=fused, semantic_mask=semantic_mask, instance_mask=instance_mask,
                   instance_embedding=F.normalize(self.mlp_slot(out["instance_slots"]), dim=-1, p=2))
        return out
