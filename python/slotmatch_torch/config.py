"""Model configuration of a SlotContrast teacher or SlotMatch student (JSON-serialisable dataclass).

The fields follow the official SlotContrast configs (martius-lab/slotcontrast, ``configs/slotcontrast/
{movi_c,movi_e,ytvis2021}.yaml``): a DINOv2 ViT backbone whose block-``depth`` tokens (before the final
LayerNorm, class token dropped) are both the grouping input and the reconstruction target, a two-layer
MLP adapter (hidden 2D, initial LayerNorm), slot attention with a GRU (3 iterations on the first frame,
2 later), a one-block transformer predictor with 4 heads, an MLP decoder (hidden 1024×3) with alpha
masks, and K learned fixed initial slots.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

#: ViT sizes by name: depth, width, heads, patch, mlp_ratio, layer_scale, stored position grid.
#: 'small'/'base' are timm's ``vit_{small,base}_patch14_dinov2`` (trained at 518 px → a 37×37 position
#: embedding, LayerScale, head width 64); 'tiny-test' is a two-block ViT for tests and fixtures.
VIT_SIZES: Dict[str, Dict[str, Any]] = {
    "small": dict(vit_depth=12, vit_width=384, vit_heads=6, patch_size=14, vit_mlp_ratio=4.0, layer_scale=True, pos_grid=37),
    "base": dict(vit_depth=12, vit_width=768, vit_heads=12, patch_size=14, vit_mlp_ratio=4.0, layer_scale=True, pos_grid=37),
    "tiny-test": dict(vit_depth=2, vit_width=32, vit_heads=4, patch_size=8, vit_mlp_ratio=2.0, layer_scale=True, pos_grid=6),
}

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


@dataclass
class ModelConfig:
    """Everything needed to build a :class:`slotmatch_torch.models.SlotContrastModel`.

    Backbone: ``backbone`` names a registered backbone (``'vit'`` built in, see
    ``slotmatch_torch.models.backbones.register_backbone``). For ``'vit'``, ``vit_size`` picks a row of
    :data:`VIT_SIZES` unless the explicit ``vit_*``/``patch_size``/``pos_grid`` fields are given
    (explicit fields win). ``pos_grid`` is the side of the stored (square) position embedding; at another
    token grid it is resampled bicubically with antialiasing, as timm's ``dynamic_img_size`` does.
    """

    # backbone
    backbone: str = "vit"
    vit_size: Optional[str] = "small"
    vit_depth: Optional[int] = None
    vit_width: Optional[int] = None
    vit_heads: Optional[int] = None
    patch_size: Optional[int] = None
    vit_mlp_ratio: Optional[float] = None
    layer_scale: Optional[bool] = None
    pos_grid: Optional[int] = None
    vit_ln_eps: float = 1e-6
    trainable_backbone: bool = False
    backbone_options: Dict[str, Any] = field(default_factory=dict)  # for non-ViT backbones
    # input
    image_height: int = 336
    image_width: int = 336
    mean: List[float] = field(default_factory=lambda: list(IMAGENET_MEAN))
    std: List[float] = field(default_factory=lambda: list(IMAGENET_STD))
    # slots
    num_slots: int = 11
    slot_dim: int = 64
    iterations_first: int = 3
    iterations_next: int = 2
    eps: float = 1e-8
    adapter_hidden: Optional[int] = None  # default 2·D
    corrector_mlp_hidden: Optional[int] = None  # default 4·S
    # predictor
    predictor_blocks: int = 1
    predictor_heads: int = 4
    predictor_hidden: Optional[int] = None  # default 4·S
    predictor_qkv_bias: bool = True
    # decoder
    decoder_hidden: List[int] = field(default_factory=lambda: [1024, 1024, 1024])
    #: 'alpha' (official): masks = softmax_k of the decoder's alpha logits. 'attention' (synthetic-world recipe):
    #: the decoder blends its per-slot reconstructions with the last slot-attention map instead, and that map is
    #: the masks output (Slot Attention's attention-mask variant; the alpha channel is then unused).
    decoder_masks: str = "alpha"

    def __post_init__(self) -> None:
        if self.backbone == "vit":
            if self.vit_size is not None and self.vit_size not in VIT_SIZES:
                raise ValueError(f"vit_size: expected one of {sorted(VIT_SIZES)} or None, got {self.vit_size!r}")
            preset = VIT_SIZES.get(self.vit_size, {}) if self.vit_size else {}
            for key, value in preset.items():
                if getattr(self, key) is None:
                    setattr(self, key, value)
            missing = [k for k in ("vit_depth", "vit_width", "vit_heads", "patch_size") if getattr(self, k) is None]
            if missing:
                raise ValueError(f"ViT backbone: set vit_size or every one of {missing}")
            if self.vit_mlp_ratio is None:
                self.vit_mlp_ratio = 4.0
            if self.layer_scale is None:
                self.layer_scale = True
            if self.vit_width % self.vit_heads:
                raise ValueError(f"vit_width {self.vit_width} is not divisible by vit_heads {self.vit_heads}")
            if self.image_height % self.patch_size or self.image_width % self.patch_size:
                raise ValueError(
                    f"image size {self.image_height}x{self.image_width} is not a multiple of patch {self.patch_size}"
                )
            if self.pos_grid is None:
                self.pos_grid = max(self.grid_height, self.grid_width)
        if self.decoder_masks not in ("alpha", "attention"):
            raise ValueError(f"decoder_masks: expected 'alpha' or 'attention', got {self.decoder_masks!r}")
        if self.slot_dim % self.predictor_heads:
            raise ValueError(f"slot_dim {self.slot_dim} is not divisible by predictor_heads {self.predictor_heads}")
        for name in ("num_slots", "slot_dim", "iterations_first", "iterations_next", "image_height", "image_width"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be a positive integer")
        if len(self.mean) != 3 or len(self.std) != 3 or min(self.std) <= 0:
            raise ValueError("mean/std: three entries each, std > 0")

    # derived sizes -------------------------------------------------------------------------------
    @property
    def feature_dim(self) -> int:
        """D, the width of the backbone tokens (= reconstruction target width)."""
        if self.backbone == "vit":
            return int(self.vit_width)
        return int(self.backbone_options["dim"])

    @property
    def grid_height(self) -> int:
        if self.backbone == "vit":
            return self.image_height // int(self.patch_size)
        return self.image_height // int(self.backbone_options["stride"])

    @property
    def grid_width(self) -> int:
        if self.backbone == "vit":
            return self.image_width // int(self.patch_size)
        return self.image_width // int(self.backbone_options["stride"])

    @property
    def num_patches(self) -> int:
        """P = gridHeight·gridWidth."""
        return self.grid_height * self.grid_width

    # JSON ----------------------------------------------------------------------------------------
    def to_dict(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "ModelConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"ModelConfig: unknown fields {unknown}")
        return cls(**data)

    def replace(self, **changes: Any) -> "ModelConfig":
        """A copy with some fields changed (explicit ViT fields are reset when vit_size changes)."""
        data = self.to_dict()
        if "vit_size" in changes:
            for key in VIT_SIZES["small"]:
                data[key] = None
        data.update(changes)
        return ModelConfig.from_dict(data)


def movi_c() -> ModelConfig:
    """Official MOVi-C: DINOv2 ViT-S/14 at 336 (24×24 tokens, D = 384), K = 11, S = 64."""
    return ModelConfig(vit_size="small", image_height=336, image_width=336, num_slots=11, slot_dim=64)


def movi_e() -> ModelConfig:
    """Official MOVi-E: DINOv2 ViT-B/14 at 336 (24×24 tokens, D = 768), K = 15, S = 128."""
    return ModelConfig(vit_size="base", image_height=336, image_width=336, num_slots=15, slot_dim=128)


def ytvis() -> ModelConfig:
    """Official YT-VIS 2021: DINOv2 ViT-B/14 at 518 (37×37 tokens, D = 768), K = 7, S = 64."""
    return ModelConfig(vit_size="base", image_height=518, image_width=518, num_slots=7, slot_dim=64)


def student(teacher: Optional[ModelConfig] = None, vit_size: str = "small", decoder_hidden: Optional[List[int]] = None) -> ModelConfig:
    """SlotMatch student: the teacher's interface (input size, K, S, iterations) on a smaller backbone.

    Default: the YT-VIS teacher with a DINOv2 ViT-S/14 backbone (the paper's ViT-B → ViT-S student).
    ``decoder_hidden`` shrinks the decoder too when given.
    """
    teacher = teacher or ytvis()
    changes: Dict[str, Any] = {"vit_size": vit_size}
    if decoder_hidden is not None:
        changes["decoder_hidden"] = list(decoder_hidden)
    return teacher.replace(**changes)


def tiny_teacher() -> ModelConfig:
    """A small random-initialisable teacher for tests and parity fixtures (two-block ViT, 4×5 tokens)."""
    return ModelConfig(
        vit_size="tiny-test", image_height=32, image_width=40, num_slots=4, slot_dim=16,
        decoder_hidden=[64, 64, 64], trainable_backbone=True,
    )


def tiny_student() -> ModelConfig:
    """The tiny teacher's student: one-block narrower ViT, smaller decoder, same K, S and input size."""
    return tiny_teacher().replace(
        vit_size=None, vit_depth=1, vit_width=24, vit_heads=2, patch_size=8, vit_mlp_ratio=2.0,
        layer_scale=True, pos_grid=6, decoder_hidden=[32, 32],
    )


PRESETS = {"movi-c": movi_c, "movi-e": movi_e, "ytvis": ytvis, "student": student,
           "tiny-teacher": tiny_teacher, "tiny-student": tiny_student}


def preset(name: str) -> ModelConfig:
    """A configuration by preset name (``movi-c``, ``movi-e``, ``ytvis``, ``student``, ``tiny-teacher``, ``tiny-student``)."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; expected one of {sorted(PRESETS)}")
    return PRESETS[name]()


def square_grid(p: int) -> int:
    """Side of a square token grid with p tokens, or ValueError."""
    side = int(round(math.sqrt(p)))
    if side * side != p:
        raise ValueError(f"{p} tokens do not form a square grid")
    return side


# Synthetic-world recipe (python/README.md "Synthetic world recipe"): a frozen 'synth-cnn' backbone pre-trained
# by ``python3 -m slotmatch_torch pretrain`` (stage 1), then the SlotContrast head (stage 2). 32×32 input,
# pixels in [0, 1] without re-normalisation, token grid 32×32.
SYNTH_IMAGE = 32


def synth_teacher() -> ModelConfig:
    """Synthetic-world teacher: synth-cnn (4 conv 5×5, C = D = 32) at one token per pixel (32×32 tokens), K = 7,
    S = 64, decoder 3×128 blended by the slot-attention masks (``decoder_masks='attention'``). One token per pixel
    because the 64×64 videos' objects are 5–20 px across: ground-truth masks pooled to a 16×16 grid and upsampled
    again score only video FG-ARI 0.79 on the test split, at 32×32 0.94 (python/README.md)."""
    return ModelConfig(
        backbone="synth-cnn", vit_size=None, backbone_options={"dim": 32, "stride": 1, "layers": 4, "kernel": 5},
        trainable_backbone=False, image_height=SYNTH_IMAGE, image_width=SYNTH_IMAGE, mean=[0.0, 0.0, 0.0],
        std=[1.0, 1.0, 1.0], num_slots=7, slot_dim=64, decoder_hidden=[128, 128, 128], decoder_masks="attention",
    )


def synth_student() -> ModelConfig:
    """Synthetic-world student (SlotMatch and the baseline): synth-cnn (3 conv 5×5, C = D = 16), the teacher's
    K = 7 and 32×32 grid, S = 32 (slot-KD through a learned projection), MLP/predictor hidden 64, decoder 2×64.
    One slot-attention iteration on carried frames (3 on the first): chosen on the validation split, where the
    4,000-step SlotMatch student (β = 1) scored video FG-ARI 0.712 / mBO 0.533 with 3/1 against 0.706 / 0.528 with the
    teacher's 3/2 (the teacher itself is better with 3/2: 0.757 against 0.734; python/README.md)."""
    return synth_teacher().replace(
        backbone_options={"dim": 16, "stride": 1, "layers": 3, "kernel": 5}, slot_dim=32, corrector_mlp_hidden=64,
        predictor_hidden=64, decoder_hidden=[64, 64], iterations_next=1,
    )


PRESETS.update({"synth-teacher": synth_teacher, "synth-student": synth_student})
