"""Strict loading of a state_dict into a model: every key present, none extra, every shape equal."""
from typing import Dict, List

import torch

from ..config import ModelConfig
from ..models import SlotContrastModel, build_model
from .reading import CheckpointError


def state_dict_problems(model: torch.nn.Module, state: Dict[str, torch.Tensor]) -> Dict[str, List[str]]:
    """{'missing': [...], 'unexpected': [...], 'wrong_shape': ['key: checkpoint [..] vs model [..]', ...]}."""
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    wrong = sorted(f"{k}: checkpoint {list(state[k].shape)} vs model {list(expected[k].shape)}"
                   for k in set(expected) & set(state) if tuple(state[k].shape) != tuple(expected[k].shape))
    return {"missing": missing, "unexpected": unexpected, "wrong_shape": wrong}


def format_problems(path, problems: Dict[str, List[str]]) -> str:
    lines = [f"{path}: the checkpoint does not match the SlotContrast model"]
    for label, key in (("missing keys", "missing"), ("unexpected keys", "unexpected"), ("wrong shapes", "wrong_shape")):
        if problems[key]:
            lines.append(f"  {label} ({len(problems[key])}):")
            lines += [f"    {item}" for item in problems[key]]
    return "\n".join(lines)


def load_strict(model: SlotContrastModel, state: Dict[str, torch.Tensor], path="checkpoint") -> SlotContrastModel:
    """Load ``state`` into ``model`` or raise CheckpointError listing every missing/unexpected/mis-shaped key."""
    problems = state_dict_problems(model, state)
    if any(problems.values()):
        raise CheckpointError(format_problems(path, problems))
    model.load_state_dict(state, strict=True)
    return model


def model_from_state(cfg: ModelConfig, state: Dict[str, torch.Tensor], path="checkpoint") -> SlotContrastModel:
    return load_strict(build_model(cfg), state, path).eval()
