"""The training recipe (:class:`TrainConfig`) and the run controls (:class:`RunOptions`).

Recipe defaults are the official SlotContrast MOVi-C run (``configs/slotcontrast/movi_c.yaml``): Adam,
lr 4e-4, ``exp_decay_with_warmup`` (2,500 warm-up steps, decay to ×0.5 at ``max_steps`` = 100,000),
gradient-norm clip 0.05, batch 64 clips of 4 consecutive frames (one random chunk per video per epoch),
horizontal flips with p = 0.5, loss weights 1.0 (feature reconstruction) and α = 0.5 (slot-slot
contrast, τ = 0.1). SlotMatch (METHODS.md §2) adds β = 1.0 · L_slot-KD with the same slot index as
correspondence. The recipe is stored in every checkpoint and fixed for a run; the run controls
(how often to log, save and evaluate, when to stop this process, threads) may change between resumes.
"""
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

from ..data import SAMPLING_MODES

KD_CORRESPONDENCES = ("index", "hungarian")
KD_PROJECTIONS = ("auto", "linear", "none")


@dataclass
class TrainConfig:
    """A training recipe. ``decay_steps`` defaults to ``max_steps`` (as the official configs set it)."""

    max_steps: int = 100_000
    batch_size: int = 64
    clip_length: int = 4
    clip_stride: int = 1
    clip_sampling: str = "chunks"
    flip_prob: float = 0.5
    clamp: bool = False
    lr: float = 4e-4
    warmup_steps: int = 2500
    decay_steps: Optional[int] = None
    decay_rate: float = 0.5
    grad_clip: float = 0.05
    adam_betas: Tuple[float, float] = (0.9, 0.999)
    adam_eps: float = 1e-8
    weight_decay: float = 0.0
    alpha: float = 0.5
    temperature: float = 0.1
    beta: float = 1.0
    kd_correspondence: str = "index"
    kd_projection: str = "auto"
    seed: int = 0
    init_from: Optional[str] = None  # checkpoint whose matching weights replace the initialisation
    init_keys: Tuple[str, ...] = ()  # only keys starting with one of these prefixes (empty: every matching key)

    def __post_init__(self) -> None:
        self.init_keys = tuple(self.init_keys)
        self.adam_betas = tuple(float(b) for b in self.adam_betas)
        if self.decay_steps is None:
            self.decay_steps = self.max_steps
        checks = [
            (self.max_steps >= 1, "max_steps must be >= 1"),
            (self.batch_size >= 1, "batch_size must be >= 1"),
            (self.clip_length >= 2, "clip_length must be >= 2 (the slot contrast compares consecutive frames)"),
            (self.clip_stride >= 1, "clip_stride must be >= 1"),
            (self.clip_sampling in SAMPLING_MODES, f"clip_sampling must be one of {SAMPLING_MODES}"),
            (0.0 <= self.flip_prob <= 1.0, "flip_prob must be in [0, 1]"),
            (self.lr > 0, "lr must be > 0"),
            (self.warmup_steps >= 0, "warmup_steps must be >= 0"),
            (self.decay_steps > self.warmup_steps or self.max_steps <= self.warmup_steps,
             "decay_steps must exceed warmup_steps (unless the whole run is warm-up)"),
            (0.0 < self.decay_rate <= 1.0, "decay_rate must be in (0, 1]"),
            (self.grad_clip >= 0, "grad_clip must be >= 0 (0 disables clipping)"),
            (self.temperature > 0, "temperature must be > 0"),
            (self.kd_correspondence in KD_CORRESPONDENCES, f"kd_correspondence must be one of {KD_CORRESPONDENCES}"),
            (self.kd_projection in KD_PROJECTIONS, f"kd_projection must be one of {KD_PROJECTIONS}"),
        ]
        for ok, rule in checks:
            if not ok:
                raise ValueError(f"training config: {rule}")

    def to_dict(self) -> Dict[str, Any]:
        data = dataclasses.asdict(self)
        data["adam_betas"] = list(self.adam_betas)
        data["init_keys"] = list(self.init_keys)
        return data

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "TrainConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"TrainConfig: unknown fields {unknown}")
        return cls(**data)


@dataclass
class RunOptions:
    """How one process runs a recipe: intervals (0 = never), evaluation data, early stop, threads."""

    checkpoint_every: int = 500
    log_every: int = 10
    eval_every: int = 0
    eval_data: Optional[str] = None
    eval_videos: Optional[int] = None
    eval_frames: Optional[int] = None
    stop_after: Optional[int] = None  # optimiser steps in this process, then checkpoint and exit
    time_limit: Optional[float] = None  # seconds of this process, then checkpoint and exit
    keep_checkpoints: bool = False  # also keep checkpoint-<step>.pt copies
    cache_frames: bool = True
    threads: Optional[int] = None
    quiet: bool = False
    extra: Dict[str, Any] = field(default_factory=dict)
