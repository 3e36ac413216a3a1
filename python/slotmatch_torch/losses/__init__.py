"""Torch reference implementations of every loss of the four methods (METHODS.md §1–4).

The TypeScript package @slotmatch/losses is tested against golden fixtures written from these
(``python3 -m slotmatch_torch golden``).
"""
from .distillation import cka, cka_attention_loss, inter_object_relation_loss, intra_object_relation_loss
from .slotmatch import (
    hungarian_slot_match,
    reconstruction_loss,
    slot_contrast_loss,
    slot_kd_loss,
    slotmatch_loss,
)
from .smtc import (
    instance_consistency_loss,
    semantic_consistency_loss,
    sinkhorn,
    slot_diversity_loss,
    valid_instances,
)

__all__ = [
    "cka",
    "cka_attention_loss",
    "hungarian_slot_match",
    "instance_consistency_loss",
    "inter_object_relation_loss",
    "intra_object_relation_loss",
    "reconstruction_loss",
    "semantic_consistency_loss",
    "sinkhorn",
    "slot_contrast_loss",
    "slot_diversity_loss",
    "slot_kd_loss",
    "slotmatch_loss",
    "valid_instances",
]
