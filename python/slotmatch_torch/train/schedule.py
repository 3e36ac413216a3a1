"""The learning-rate schedule of official SlotContrast (``slotcontrast/schedulers.py``,
``exp_decay_with_warmup``; configs: warm-up 2,500 steps, decay_steps = trainer.max_steps, rate 0.5).

factor(n) = n / W                              for n < W   (so the first update, n = 0, has lr 0)
factor(n) = r ** ((n − W) / (D − W))           for n ≥ W   (r at n = D, and it keeps decaying beyond)

lr(n) = base_lr · factor(n), where n counts optimiser steps already taken: Lightning steps a
``LambdaLR`` after every optimiser step (``interval: step``), so update n uses factor(n).
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class ExpDecayWithWarmup:
    """``factor(step)`` of the official schedule; ``warmup_steps = 0`` starts at full rate. A run no longer
    than its warm-up never reaches the decay branch, so ``decay_steps`` must exceed ``warmup_steps`` only
    when a step past the warm-up is asked for."""

    warmup_steps: int = 2500
    decay_steps: int = 100_000
    decay_rate: float = 0.5

    def __post_init__(self) -> None:
        if self.warmup_steps < 0:
            raise ValueError(f"warmup_steps must be >= 0, got {self.warmup_steps}")
        if not 0.0 < self.decay_rate <= 1.0:
            raise ValueError(f"decay_rate must be in (0, 1], got {self.decay_rate}")

    def factor(self, step: int) -> float:
        if step < self.warmup_steps:
            return step / self.warmup_steps
        if self.decay_steps <= self.warmup_steps:
            raise ValueError(f"decay_steps ({self.decay_steps}) must exceed warmup_steps ({self.warmup_steps})")
        return self.decay_rate ** ((step - self.warmup_steps) / (self.decay_steps - self.warmup_steps))

    def lr(self, base_lr: float, step: int) -> float:
        return base_lr * self.factor(step)
