"""``core-forward``: packages/core/test/fixtures/slotcontrast-forward.json, the reference for the TypeScript forward.

A small SlotContrast slot model (everything after the backbone: adapter, slot attention with GRU, predictor,
MLP decoder, learned initial slots) with seeded random parameters (``_weights.perturb_for_fixture``: every
parameter matters, masks and attention far from uniform) run by torch over seeded random
backbone features [B,T,P,D]. Weights keep the official state_dict key names.
"""
import pathlib
from typing import List

import torch

from ..config import ModelConfig
from ..models import build_model
from ._weights import perturb_for_fixture
from .encoding import encode_tensor, write_json_atomic

RELATIVE_PATH = pathlib.Path("packages/core/test/fixtures/slotcontrast-forward.json")
SEED = 3
B, T = 2, 3


def fixture_config() -> ModelConfig:
    """P = 16 (4×4 grid), D = 32, K = 4, S = 16, decoder hidden [64, 64, 64], 3/2 iterations, 4 heads."""
    return ModelConfig(vit_size=None, vit_depth=1, vit_width=32, vit_heads=4, patch_size=8, pos_grid=4,
                       image_height=32, image_width=32, num_slots=4, slot_dim=16, decoder_hidden=[64, 64, 64],
                       iterations_first=3, iterations_next=2, predictor_heads=4)


def build_fixture():
    torch.manual_seed(SEED)
    cfg = fixture_config()
    model = build_model(cfg).eval()
    g = torch.Generator().manual_seed(SEED)
    perturb_for_fixture(model, g, skip_prefix="encoder.module.backbone.")
    with torch.no_grad():
        features = torch.randn(B, T, cfg.num_patches, cfg.feature_dim, generator=g)
        out = model.forward_features(features)
    weights = {k: encode_tensor(v.float()) for k, v in model.non_backbone_state_dict().items()}
    return {
        "config": {
            "K": cfg.num_slots, "S": cfg.slot_dim, "D": cfg.feature_dim, "gridHeight": cfg.grid_height,
            "gridWidth": cfg.grid_width, "iterationsFirst": cfg.iterations_first,
            "iterationsNext": cfg.iterations_next, "predictorHeads": cfg.predictor_heads,
            "decoderHidden": list(cfg.decoder_hidden), "eps": cfg.eps, "layerNormEps": 1e-5,
        },
        "weights": weights,
        "features": encode_tensor(features),
        "outputs": {key: encode_tensor(out[key]) for key in ("slots", "attention", "masks", "next_init", "reconstruction")},
    }


def write(repo_root: pathlib.Path) -> List[pathlib.Path]:
    torch.set_num_threads(1)
    return [write_json_atomic(pathlib.Path(repo_root) / RELATIVE_PATH, build_fixture())]
