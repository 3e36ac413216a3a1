"""SlotContrast model (teacher; the SlotMatch student is the same class on a smaller configuration).

Structure and parameter names mirror the official Lightning module (martius-lab/slotcontrast
``slotcontrast/models.py``: ``initializer``, ``encoder`` = MapOverTime(FrameEncoder(backbone, output_transform)),
``processor`` = ScanOverTime(LatentProcessor(corrector, predictor)), ``decoder`` = MapOverTime(MLPDecoder)), so an
official ``state_dict`` loads key for key. Per frame t (METHODS.md §1): f_t = backbone tokens (also the
reconstruction target), h_t = adapter(f_t), slots_t = SlotAttention(init_t, h_t) with 3 iterations at t = 0 and
2 later, init_0 = learned fixed slots, init_{t+1} = predictor(slots_t), decoder(slots_t) → masks, reconstruction.
"""
from typing import Dict, Optional

import torch
from torch import nn

from ..config import ModelConfig
from .backbones import Backbone
from .decoder import MLPDecoder
from .mlp import MLP
from .predictor import Predictor
from .slot_attention import SlotAttention


class FixedLearnedInit(nn.Module):
    """Learned initial slots Z ∈ R^{1×K×S}, N(0, S^-1) at initialisation, expanded over the batch."""

    def __init__(self, num_slots: int, slot_dim: int):
        super().__init__()
        self.slots = nn.Parameter(torch.randn(1, num_slots, slot_dim) * slot_dim ** -0.5)

    def forward(self, batch_size: int) -> torch.Tensor:
        return self.slots.expand(batch_size, -1, -1)


class FrameEncoder(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.feature_dim
        self.backbone = Backbone(cfg)
        self.output_transform = MLP(d, cfg.slot_dim, [cfg.adapter_hidden or 2 * d], initial_layer_norm=True)


class LatentProcessor(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        s = cfg.slot_dim
        self.corrector = SlotAttention(s, s, cfg.corrector_mlp_hidden or 4 * s, eps=cfg.eps)
        self.predictor = Predictor(s, cfg.predictor_blocks, cfg.predictor_heads, cfg.predictor_hidden or 4 * s,
                                   cfg.predictor_qkv_bias)


class Wrapped(nn.Module):
    """The ``.module`` level of the official MapOverTime/ScanOverTime wrappers (keeps key names)."""

    def __init__(self, module: nn.Module):
        super().__init__()
        self.module = module


class SlotContrastModel(nn.Module):
    """Video object-centric model: ``forward`` over clips, ``encode`` over frames, ``step`` per frame."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.config = cfg
        self.initializer = FixedLearnedInit(cfg.num_slots, cfg.slot_dim)
        self.encoder = Wrapped(FrameEncoder(cfg))
        self.processor = Wrapped(LatentProcessor(cfg))
        self.decoder = Wrapped(MLPDecoder(cfg.slot_dim, cfg.feature_dim, list(cfg.decoder_hidden), cfg.num_patches))

    # parts -----------------------------------------------------------------------------------------
    @property
    def backbone(self) -> Backbone:
        return self.encoder.module.backbone

    def encode(self, frames: torch.Tensor) -> torch.Tensor:
        """Backbone tokens of normalised frames [N,3,H,W] → [N,P,D] (the reconstruction target)."""
        if frames.ndim != 4 or frames.shape[1] != 3:
            raise ValueError(f"frames: expected [N,3,H,W], got {list(frames.shape)}")
        cfg = self.config
        if tuple(frames.shape[2:]) != (cfg.image_height, cfg.image_width):
            raise ValueError(
                f"frames: expected {cfg.image_height}x{cfg.image_width} pixels, got {frames.shape[2]}x{frames.shape[3]}"
            )
        return self.backbone(frames)

    def step(self, features: torch.Tensor, init: Optional[torch.Tensor] = None) -> Dict[str, torch.Tensor]:
        """One frame: features [B,P,D] and the carried init [B,K,S] (None on the first frame).

        Returns slots [B,K,S], attention [B,K,P] (last iteration, softmax over K), masks [B,K,P] (decoder),
        reconstruction [B,P,D] and next_init [B,K,S] (predictor output).
        """
        cfg = self.config
        if features.ndim != 3 or tuple(features.shape[1:]) != (cfg.num_patches, cfg.feature_dim):
            raise ValueError(f"features: expected [B,{cfg.num_patches},{cfg.feature_dim}], got {list(features.shape)}")
        h = self.encoder.module.output_transform(features)
        if init is None:
            init, n_iters = self.initializer(features.shape[0]), cfg.iterations_first
        else:
            n_iters = cfg.iterations_next
        corrected = self.processor.module.corrector(init, h, n_iters)
        slots = corrected["slots"]
        decoded = self.decoder.module(slots)
        if cfg.decoder_masks == "attention":  # masks = A; reconstruction = Σ_k A[k,p]·rec_k[p] (config.py)
            attention = corrected["attention"]
            decoded = {"masks": attention,
                       "reconstruction": torch.sum(decoded["recons"] * attention.unsqueeze(-1), dim=1)}
        return {
            "slots": slots,
            "attention": corrected["attention"],
            "masks": decoded["masks"],
            "reconstruction": decoded["reconstruction"],
            "next_init": self.processor.module.predictor(slots),
        }

    def forward(self, video: torch.Tensor) -> Dict[str, torch.Tensor]:
        """A clip [B,T,3,H,W] (normalised) → features [B,T,P,D] and per-frame step outputs stacked over T."""
        if video.ndim != 5:
            raise ValueError(f"video: expected [B,T,3,H,W], got {list(video.shape)}")
        b, t = video.shape[:2]
        features = self.encode(video.flatten(0, 1)).unflatten(0, (b, t))
        return self.forward_features(features)

    def forward_features(self, features: torch.Tensor) -> Dict[str, torch.Tensor]:
        """The slot part of ``forward`` from backbone tokens [B,T,P,D] (what the TypeScript forward mirrors)."""
        steps = []
        init = None
        for i in range(features.shape[1]):
            out = self.step(features[:, i], init)
            steps.append(out)
            init = out["next_init"]
        result = {key: torch.stack([s[key] for s in steps], dim=1) for key in steps[0]}
        result["features"] = features
        return result

    # bookkeeping -----------------------------------------------------------------------------------
    def parameter_counts(self) -> Dict[str, int]:
        """{'total': all parameters, 'trainable': those with requires_grad}."""
        total = sum(p.numel() for p in self.parameters())
        trainable = sum(p.numel() for p in self.parameters() if p.requires_grad)
        return {"total": int(total), "trainable": int(trainable)}

    def non_backbone_state_dict(self) -> Dict[str, torch.Tensor]:
        """Every parameter except the backbone's (initializer, adapter, corrector, predictor, decoder)."""
        return {k: v for k, v in self.state_dict().items() if not k.startswith("encoder.module.backbone.")}


def build_model(cfg: ModelConfig) -> SlotContrastModel:
    """A SlotContrast model (teacher or student) for a configuration, randomly initialised."""
    return SlotContrastModel(cfg)
