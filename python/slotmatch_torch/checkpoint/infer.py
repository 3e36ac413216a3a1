"""Infer a :class:`ModelConfig` from the shapes of an official SlotContrast ``state_dict``.

Shapes give: K, S (``initializer.slots`` [1,K,S]); D, patch (``patch_embed.proj.weight`` [D,3,p,p]); ViT depth
(number of ``blocks.<i>``), MLP ratio (``fc1``), LayerScale (``ls1.gamma`` present), stored position grid
(``pos_embed`` [1,1+G²,D]); P (``decoder.module.pos_emb`` [1,1,P,S]) hence the token grid (square unless
given) and the input size = grid·patch; the adapter, corrector-MLP, predictor-FF and decoder widths.
Not in the shapes, so defaulted (overridable): ViT heads = D/64 (DINOv2), predictor heads = 4, iterations 3/2,
ImageNet mean/std — the official configs' values.
"""
import re
from typing import Any, Dict, Optional, Tuple

import torch

from ..config import ModelConfig, square_grid
from .reading import CheckpointError

BACKBONE = "encoder.module.backbone.model."
REQUIRED = ["initializer.slots", BACKBONE + "patch_embed.proj.weight", BACKBONE + "pos_embed",
            "decoder.module.pos_emb", "encoder.module.output_transform.layers.1.weight",
            "processor.module.corrector.mlp.layers.1.weight"]


def _indices(state: Dict[str, torch.Tensor], prefix: str) -> list:
    pattern = re.compile(re.escape(prefix) + r"(\d+)\.")
    return sorted({int(m.group(1)) for k in state for m in [pattern.match(k)] if m})


def infer_config(state: Dict[str, torch.Tensor], path="checkpoint", *, vit_heads: Optional[int] = None,
                 predictor_heads: int = 4, iterations_first: int = 3, iterations_next: int = 2,
                 grid: Optional[Tuple[int, int]] = None, **extra: Any) -> ModelConfig:
    """The configuration whose model has exactly these parameter shapes (CheckpointError if keys are missing)."""
    missing = [k for k in REQUIRED if k not in state]
    if missing:
        raise CheckpointError(f"{path}: cannot infer the model configuration, missing keys: {missing}")
    try:
        _, k, s = state["initializer.slots"].shape
        d, _, patch, patch_w = state[BACKBONE + "patch_embed.proj.weight"].shape
        if patch != patch_w:
            raise CheckpointError(f"{path}: non-square patches {patch}x{patch_w} are not supported")
        depth = len(_indices(state, BACKBONE + "blocks."))
        fc1 = state.get(BACKBONE + "blocks.0.mlp.fc1.weight")
        mlp_ratio = fc1.shape[0] / d if fc1 is not None else 4.0
        pos_tokens = state[BACKBONE + "pos_embed"].shape[1]
        pos_grid = square_grid(pos_tokens - 1)
        p = state["decoder.module.pos_emb"].shape[2]
        if grid is None:
            try:
                side = square_grid(p)
            except ValueError:
                raise CheckpointError(f"{path}: the decoder's {p} positions are not a square token grid; "
                                      "give it (grid=(h, w), --grid HxW)") from None
            grid = (side, side)
        elif grid[0] * grid[1] != p:
            raise CheckpointError(f"{path}: grid {grid[0]}x{grid[1]} does not have the decoder's {p} positions")
        dec = _indices(state, "decoder.module.mlp.layers.")
        decoder_hidden = [int(state[f"decoder.module.mlp.layers.{i}.weight"].shape[0]) for i in dec[:-1]]
        predictor_blocks = len(_indices(state, "processor.module.predictor.blocks."))
        pred_ff = state.get("processor.module.predictor.blocks.0.linear1.weight")
        cfg = ModelConfig(
            backbone="vit", vit_size=None, vit_depth=depth, vit_width=int(d), vit_heads=vit_heads or max(1, int(d) // 64),
            patch_size=int(patch), vit_mlp_ratio=float(mlp_ratio), layer_scale=BACKBONE + "blocks.0.ls1.gamma" in state,
            pos_grid=pos_grid, image_height=grid[0] * int(patch), image_width=grid[1] * int(patch),
            num_slots=int(k), slot_dim=int(s), iterations_first=iterations_first, iterations_next=iterations_next,
            adapter_hidden=int(state["encoder.module.output_transform.layers.1.weight"].shape[0]),
            corrector_mlp_hidden=int(state["processor.module.corrector.mlp.layers.1.weight"].shape[0]),
            predictor_blocks=max(1, predictor_blocks), predictor_heads=predictor_heads,
            predictor_hidden=int(pred_ff.shape[0]) if pred_ff is not None else None,
            predictor_qkv_bias="processor.module.predictor.blocks.0.self_attn.qkv.bias" in state,
            decoder_hidden=decoder_hidden, **extra,
        )
    except CheckpointError:
        raise
    except (ValueError, IndexError, KeyError, TypeError) as err:
        raise CheckpointError(f"{path}: parameter shapes do not describe a SlotContrast model ({err})") from err
    return cfg
