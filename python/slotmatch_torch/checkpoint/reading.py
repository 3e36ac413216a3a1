"""Reading checkpoint files: Lightning ``.ckpt`` (``state_dict`` inside), our own checkpoints, bare state_dicts.

Lightning checkpoints may pickle objects of packages not installed here (pytorch_lightning callbacks' state,
omegaconf configs in hyper-parameters). Only tensors are needed, so classes that cannot be imported are
replaced by inert placeholders while unpickling (nothing of theirs is executed).
"""
import pathlib
import pickle
import types
from typing import Any, Dict

import torch


class CheckpointError(ValueError):
    """A checkpoint that cannot be used; the message names the file and every offending key."""


class _Placeholder(dict):
    """Stands in for an object whose class is not importable; keeps its pickled state."""

    def __new__(cls, *args, **kwargs):
        return dict.__new__(cls)

    def __init__(self, *args, **kwargs):
        super().__init__()
        self._args = args

    def __setstate__(self, state):
        self._state = state

    def append(self, item):
        self.setdefault("_items", []).append(item)

    def extend(self, items):
        self.setdefault("_items", []).extend(items)


class _TolerantUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        try:
            return super().find_class(module, name)
        except (ImportError, AttributeError):
            return type(name, (_Placeholder,), {"__module__": f"unavailable.{module}"})


_tolerant_pickle = types.SimpleNamespace(Unpickler=_TolerantUnpickler, load=lambda f, **kw: _TolerantUnpickler(f, **kw).load(),
                                         __name__="slotmatch_tolerant_pickle")


def _torch_load(path: pathlib.Path) -> Any:
    try:
        return torch.load(str(path), map_location="cpu", pickle_module=_tolerant_pickle)
    except (ImportError, AttributeError):
        # Some torch builds (e.g. Debian's 1.13) ignore ``pickle_module``; go through the zip reader directly.
        ser = torch.serialization
        if not (hasattr(ser, "_open_zipfile_reader") and hasattr(ser, "_load")):
            raise
        with open(path, "rb") as f, ser._open_zipfile_reader(f) as archive:
            return ser._load(archive, "cpu", _tolerant_pickle, encoding="utf-8")


def read_checkpoint(path) -> Dict[str, Any]:
    """The checkpoint file as a dict (CheckpointError when unreadable)."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such checkpoint file")
    try:
        data = _torch_load(path)
    except Exception as err:  # noqa: BLE001 - any unpickling failure means an unusable file
        raise CheckpointError(f"{path}: not a readable PyTorch checkpoint ({type(err).__name__}: {err})") from err
    if not isinstance(data, dict):
        raise CheckpointError(f"{path}: expected a dict (a Lightning checkpoint or a state_dict), got {type(data).__name__}")
    return data


def state_dict_of(data: Dict[str, Any], path="checkpoint") -> Dict[str, torch.Tensor]:
    """The tensors: ``data['state_dict']`` (Lightning and ours) or ``data`` itself when it is a state_dict."""
    state = data.get("state_dict", data)
    if not isinstance(state, dict) or not state:
        raise CheckpointError(f"{path}: no state_dict in the checkpoint")
    bad = sorted(k for k, v in state.items() if not isinstance(v, torch.Tensor))
    if bad:
        raise CheckpointError(f"{path}: state_dict entries that are not tensors: {bad}")
    return {k: v.float() if v.is_floating_point() else v for k, v in state.items()}
