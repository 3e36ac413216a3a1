"""Whole videos of a DAVIS-layout folder for evaluation: every frame, pre-processed for the model, with
the ground-truth label maps at their own resolution (read as raw palette indices)."""
from dataclasses import dataclass
from typing import Iterator, Optional, Sequence, Tuple

import numpy as np
import torch

from .folder import DataError, list_videos, read_frame, read_mask
from .transforms import IMAGENET_MEAN, IMAGENET_STD, preprocess_frames


@dataclass
class EvalVideo:
    """A video for evaluation: ``frames`` [T, 3, h, w] normalised model input, ``masks`` uint8 [T, H, W]
    ground-truth labels (0 background, 255 void) or ``None`` when the folder has no annotations."""

    name: str
    frames: torch.Tensor
    masks: Optional[np.ndarray]


def iter_videos(
    root: str,
    size: Tuple[int, int],
    with_masks: bool = True,
    max_frames: Optional[int] = None,
    max_videos: Optional[int] = None,
    antialias: bool = False,
    clamp: bool = False,
    mean: Sequence[float] = IMAGENET_MEAN,
    std: Sequence[float] = IMAGENET_STD,
) -> Iterator[EvalVideo]:
    """Yield the videos of ``root`` in name order (the first ``max_videos``; the first ``max_frames`` frames
    of each). ``with_masks`` requires an annotation for every frame; each mask must have its frame's size."""
    videos = list_videos(root, with_masks=with_masks)
    for entry in videos[:max_videos]:
        count = len(entry) if max_frames is None else min(len(entry), max_frames)
        arrays = [read_frame(p) for p in entry.frames[:count]]
        sizes = {a.shape[:2] for a in arrays}
        if len(sizes) > 1:
            raise DataError(f"{entry.name}: frames differ in size {sorted(sizes)}")
        masks = None
        if entry.masks is not None and with_masks:
            masks = np.stack([read_mask(p) for p in entry.masks[:count]])
            if masks.shape[1:] != arrays[0].shape[:2]:
                raise DataError(
                    f"{entry.masks[0]}: mask size {masks.shape[1:]} differs from the frame size {arrays[0].shape[:2]}"
                )
        yield EvalVideo(entry.name, preprocess_frames(arrays, size, False, antialias, clamp, mean, std), masks)
