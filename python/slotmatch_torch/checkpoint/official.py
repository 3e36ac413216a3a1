"""Official SlotContrast Lightning checkpoints → model → bundle; and our own checkpoint files.

Official checkpoints (martius-lab/slotcontrast, README "Results"): ``movi_c.ckpt`` (ViT-S/14, 336 px),
``movi_e.ckpt`` (ViT-B/14, 336 px), ``ytvis.ckpt`` (ViT-B/14, 518 px); their ``state_dict`` holds the whole
model with the key names that :mod:`slotmatch_torch.models` reproduces.
Our checkpoints (``save_model_checkpoint``) add ``model_config`` (ModelConfig.to_dict()) and optionally
``role``, ``seed`` and ``training_command``.
"""
import os
import pathlib
import re
import tempfile
from typing import Any, Dict, Optional, Tuple

import torch

from ..bundle import export_bundle
from ..config import ModelConfig
from ..models import SlotContrastModel
from .infer import infer_config
from .loading import model_from_state
from .reading import CheckpointError, read_checkpoint, state_dict_of


def load_official(path, **infer_options: Any) -> Tuple[SlotContrastModel, Dict[str, Any]]:
    """(model, checkpoint dict) from an official Lightning .ckpt, its configuration inferred from shapes."""
    data = read_checkpoint(path)
    state = state_dict_of(data, path)
    cfg = infer_config(state, path, **infer_options)
    return model_from_state(cfg, state, path), data


def load_model_checkpoint(path) -> Tuple[SlotContrastModel, Dict[str, Any]]:
    """(model, checkpoint dict) from a checkpoint of ours (with ``model_config``) or, without one, an official one."""
    data = read_checkpoint(path)
    state = state_dict_of(data, path)
    if "model_config" in data:
        try:
            cfg = ModelConfig.from_dict(dict(data["model_config"]))
        except (TypeError, ValueError) as err:
            raise CheckpointError(f"{path}: invalid model_config ({err})") from err
    else:
        cfg = infer_config(state, path)
    return model_from_state(cfg, state, path), data


def save_model_checkpoint(model: SlotContrastModel, path, **extra: Any) -> pathlib.Path:
    """Save ``{'state_dict', 'model_config', **extra}`` atomically (what ``export`` reads)."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        torch.save({"state_dict": model.state_dict(), "model_config": model.config.to_dict(), **extra}, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def save_official_checkpoint(model: SlotContrastModel, path, global_step: int = 0) -> pathlib.Path:
    """A Lightning-shaped checkpoint with the official key names (for tests of ``convert``)."""
    path = pathlib.Path(path)
    torch.save({"epoch": 0, "global_step": global_step, "pytorch-lightning_version": "1.9.0",
                "state_dict": model.state_dict(), "loops": {}, "callbacks": {}, "optimizer_states": [],
                "lr_schedulers": []}, str(path))
    return path


def default_name(path) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", pathlib.Path(path).stem).strip("-") or "model"
    return stem if stem.startswith("slotcontrast") else f"slotcontrast-{stem}"


def convert_checkpoint(path, out_dir, *, name: Optional[str] = None, role: str = "teacher",
                       overwrite: bool = False, with_reconstruction: bool = False,
                       card: Optional[Dict[str, Any]] = None, **infer_options: Any) -> pathlib.Path:
    """Official ``.ckpt`` → bundle folder; returns the folder."""
    model, _ = load_official(path, **infer_options)
    return export_bundle(model, out_dir, name=name or default_name(path), role=role,
                         source=pathlib.Path(path).name, overwrite=overwrite, with_reconstruction=with_reconstruction,
                         card=card)
