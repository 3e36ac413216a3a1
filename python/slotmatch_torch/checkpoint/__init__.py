"""Checkpoints: read (tolerant of Lightning's pickled objects), infer the configuration, load strictly, convert."""
from .infer import infer_config
from .loading import format_problems, load_strict, model_from_state, state_dict_problems
from .official import (convert_checkpoint, default_name, load_model_checkpoint, load_official, save_model_checkpoint,
                       save_official_checkpoint)
from .reading import CheckpointError, read_checkpoint, state_dict_of

__all__ = ["infer_config", "format_problems", "load_strict", "model_from_state", "state_dict_problems",
           "convert_checkpoint", "default_name", "load_model_checkpoint", "load_official", "save_model_checkpoint",
           "save_official_checkpoint", "CheckpointError", "read_checkpoint", "state_dict_of"]
