"""``runtime``: packages/runtime-node/test/fixtures/{tiny-teacher,tiny-student}/ and tiny-clip.json.

Two bundles of seeded random models (``config.tiny_teacher`` / ``tiny_student``, parameters made to matter by
``_weights.perturb_for_fixture``) — the teacher saved as a Lightning-shaped checkpoint with the official key
names and brought through ``convert`` (the converter's end-to-end check), the student through ``export`` — and
a clip in the contract of packages/runtime-node/test/parity.ts:
``frames`` [T,H0,W0,3] (uint8 values as float32, a size and aspect ratio unlike the model input) and per model
``pixels`` [T,3,H,W] (bicubic a = −0.75 half-pixel resize without antialias or clamping, /255, ImageNet
mean/std — what @slotmatch/core's FramePreprocessor computes), ``slots`` [T,K,S], ``masks`` [T,K,P] and
``attention`` [T,K,P] from the torch forward with slots carried through the predictor.
"""
import pathlib
import shutil
import tempfile
from typing import List

import torch
import torch.nn.functional as F

from ..bundle import export_bundle
from ..checkpoint import convert_checkpoint, save_official_checkpoint
from ..config import tiny_student, tiny_teacher
from ..models import build_model
from ._weights import perturb_for_fixture
from .encoding import encode_tensor, write_json_atomic

RELATIVE_DIR = pathlib.Path("packages/runtime-node/test/fixtures")
SEED = 7
T, H0, W0 = 5, 30, 45
MODELS = {"teacher": ("tiny-teacher", tiny_teacher, 1), "student": ("tiny-student", tiny_student, 2)}


def make_model(make_config, seed: int):
    torch.manual_seed(seed)
    model = build_model(make_config()).eval()
    perturb_for_fixture(model, torch.Generator().manual_seed(seed))
    return model


def preprocess(frames: torch.Tensor, cfg) -> torch.Tensor:
    """[T,H0,W0,3] uint8-valued → [T,3,H,W]: /255, bicubic (half-pixel, no antialias), (x − mean)/std."""
    x = frames.permute(0, 3, 1, 2) / 255
    x = F.interpolate(x, size=(cfg.image_height, cfg.image_width), mode="bicubic", align_corners=False)
    mean = torch.tensor(cfg.mean).view(1, 3, 1, 1)
    std = torch.tensor(cfg.std).view(1, 3, 1, 1)
    return (x - mean) / std


def write(repo_root: pathlib.Path) -> List[pathlib.Path]:
    torch.set_num_threads(1)
    out_dir = pathlib.Path(repo_root) / RELATIVE_DIR
    frames = torch.randint(0, 256, (T, H0, W0, 3), generator=torch.Generator().manual_seed(SEED)).float()
    clip = {"frames": encode_tensor(frames)}
    written = []
    for key, (name, make_config, seed) in MODELS.items():
        model = make_model(make_config, seed)
        pixels = preprocess(frames, model.config)
        with torch.no_grad():
            out = model(pixels.unsqueeze(0))
        clip[key] = {"pixels": encode_tensor(pixels), "slots": encode_tensor(out["slots"][0]),
                     "masks": encode_tensor(out["masks"][0]), "attention": encode_tensor(out["attention"][0])}
        bundle = out_dir / name
        if key == "teacher":
            cfg = model.config
            with tempfile.TemporaryDirectory() as tmp:
                ckpt = save_official_checkpoint(model, pathlib.Path(tmp) / f"{name}.ckpt")
                convert_checkpoint(ckpt, bundle, name=name, role=key, overwrite=True, vit_heads=cfg.vit_heads,
                                   grid=(cfg.grid_height, cfg.grid_width))
        else:
            export_bundle(model, bundle, name=name, role=key, seed=seed, overwrite=True,
                          source="random init, perturbed (python3 -m slotmatch_torch fixtures --only runtime)")
        written.append(bundle)
    written.append(write_json_atomic(out_dir / "tiny-clip.json", clip))
    return written


def clean(repo_root: pathlib.Path) -> None:
    """Remove what :func:`write` creates."""
    out_dir = pathlib.Path(repo_root) / RELATIVE_DIR
    for name, _, _ in MODELS.values():
        shutil.rmtree(out_dir / name, ignore_errors=True)
    (out_dir / "tiny-clip.json").unlink(missing_ok=True)
