"""Frame pre-processing, the same as the model bundle's ``input`` block (docs/MODEL_BUNDLE.md):
RGB / 255 in [0, 1], bicubic resize (a = −0.75, half-pixel centres, edge clamp, no antialias —
``torch.nn.functional.interpolate(mode="bicubic", align_corners=False)``), ImageNet mean / std.

Official SlotContrast (``slotcontrast/data/transforms.py``: ``Resize`` then ``Normalize`` then
``RandomHorizontalFlip``) also clamps the bicubic result to [0, 1]; the runtimes do not, so clamping is an
option here (``clamp=False`` by default, to train on exactly what the runtimes feed the model).
"""
from typing import Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def frames_to_tensor(frames: Sequence[np.ndarray]) -> torch.Tensor:
    """uint8 frames [H, W, 3] (all the same size) → float32 [T, 3, H, W] in [0, 1]."""
    stacked = np.ascontiguousarray(np.stack(frames, axis=0).transpose(0, 3, 1, 2))  # uint8 moves are cheap
    return torch.from_numpy(stacked).to(torch.float32).div_(255.0)


def resize_frames(
    video: torch.Tensor, size: Tuple[int, int], antialias: bool = False, clamp: bool = False
) -> torch.Tensor:
    """Bicubic resize of [T, 3, H, W] to ``size`` = (height, width); identity when the size already matches."""
    if tuple(video.shape[-2:]) == tuple(size):
        return video
    out = F.interpolate(video, size=tuple(size), mode="bicubic", align_corners=False, antialias=antialias)
    return out.clamp_(0.0, 1.0) if clamp else out


def normalize_frames(
    video: torch.Tensor, mean: Sequence[float] = IMAGENET_MEAN, std: Sequence[float] = IMAGENET_STD
) -> torch.Tensor:
    """(x − mean) / std per channel of [..., 3, H, W]."""
    m = torch.tensor(mean, dtype=video.dtype).view(3, 1, 1)
    s = torch.tensor(std, dtype=video.dtype).view(3, 1, 1)
    return (video - m).div_(s)


def preprocess_frames(
    frames: Sequence[np.ndarray],
    size: Tuple[int, int],
    flip: bool = False,
    antialias: bool = False,
    clamp: bool = False,
    mean: Sequence[float] = IMAGENET_MEAN,
    std: Sequence[float] = IMAGENET_STD,
) -> torch.Tensor:
    """uint8 RGB frames → the model input [T, 3, h, w]: scale, resize, normalise, then (optionally) flip
    horizontally — the official order."""
    video = normalize_frames(resize_frames(frames_to_tensor(frames), size, antialias, clamp), mean, std)
    return flip_frames(video, flip)


def flip_frames(video: torch.Tensor, flip) -> torch.Tensor:
    """Horizontal flip of [..., H, W]: all of it (``flip`` a bool) or the samples of the first axis where
    ``flip`` (a sequence of bools) is true."""
    if isinstance(flip, bool):
        return torch.flip(video, dims=(-1,)) if flip else video
    chosen = [i for i, f in enumerate(flip) if f]
    if chosen:
        video[chosen] = torch.flip(video[chosen], dims=(-1,))
    return video
