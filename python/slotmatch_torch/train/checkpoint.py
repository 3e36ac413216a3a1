"""Training checkpoints: one ``torch.save`` dict, written atomically (temporary name, fsync, rename).

Layout (``format = "slotmatch-torch-checkpoint"``, version 1); ``state_dict`` + ``model_config`` (+ ``role``,
``seed``, ``training_command``) are what ``slotmatch_torch.checkpoint.load_model_checkpoint`` and ``export``
read, so a run's ``checkpoint.pt`` exports as it is::

    kind, role      "teacher" | "student"
    model_config    ModelConfig.to_dict() — enough for ``build_model``
    state_dict      the model's state_dict (official key names; the key Lightning checkpoints use too)
    seed            the recipe's seed;  training_command  the command line that started the run
    projection      state_dict of the student → teacher slot projection (students with S ≠ S_teacher), else None
    optimizer       Adam state_dict
    scheduler       {"name", "warmup_steps", "decay_steps", "decay_rate", "base_lr"}
    step            optimiser steps taken (= the next batch index)
    train_config    the TrainConfig as a dict (the recipe; the data order is a function of its seed)
    rng             {"torch", "numpy", "python"} generator states at ``step``
    teacher         for students: {"path", "model_config", "sha256"} of the frozen teacher, else None
    metrics         the last evaluation, if any
"""
import hashlib
import os
import random
from typing import Any, Dict

import numpy as np
import torch

from ..checkpoint import CheckpointError, read_checkpoint

FORMAT = "slotmatch-torch-checkpoint"
VERSION = 1


def save_atomic(obj: Any, path: str) -> None:
    """``torch.save`` to ``path`` via a temporary file in the same folder, renamed when complete."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            torch.save(obj, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load_checkpoint(path: str) -> Dict[str, Any]:
    """Read a checkpoint written by the trainers; raises CheckpointError naming the file when it is not one."""
    data = read_checkpoint(path)
    if data.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a slotmatch_torch training checkpoint (format {FORMAT!r} expected)")
    if int(data.get("version", 0)) > VERSION:
        raise CheckpointError(f"{path}: checkpoint version {data.get('version')} is newer than this package's {VERSION}")
    missing = [k for k in ("kind", "model_config", "state_dict", "step") if k not in data]
    if missing:
        raise CheckpointError(f"{path}: missing entries {missing}")
    return data


def rng_state() -> Dict[str, Any]:
    return {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "python": random.getstate()}


def set_rng_state(state: Dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    np.random.set_state(state["numpy"])
    random.setstate(state["python"])


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
