"""SlotContrast modules with the official state_dict key structure; ``build_model(cfg)`` builds teacher or student."""
from .backbones import Backbone, backbone_names, register_backbone
from .decoder import MLPDecoder
from .mlp import MLP
from .predictor import Predictor, PredictorAttention
from .slot_attention import GRUCell, SlotAttention
from .slotcontrast import FixedLearnedInit, SlotContrastModel, build_model
from .vit import VisionTransformer, resample_position_embedding

__all__ = [
    "Backbone", "backbone_names", "register_backbone", "MLPDecoder", "MLP", "Predictor", "PredictorAttention",
    "GRUCell", "SlotAttention", "FixedLearnedInit", "SlotContrastModel", "build_model", "VisionTransformer",
    "resample_position_embedding",
]

from ..recipes import synth_cnn as _synth_cnn  # noqa: E402,F401  registers the 'synth-cnn' backbone
