"""Torch reference implementations of every loss of the four methods (METHODS.md §1–4).

The TypeScript package @slotmatch/losses is tested against golden fixtures written from these
(``python3 -m slotmatch_torch golden``).
"""
from .slotmatch import (
    hungarian_slot_match,
    reconstruction_loss,
    slot_contrast_loss,
    slot_kd_loss,
    slotmatch_loss,
)

__all__ = [
    "hungarian_slot_match",
    "reconstruction_loss",
    "slot_contrast_loss",
    "slot_kd_loss",
    "slotmatch_loss",
]
