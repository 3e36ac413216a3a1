"""Training-time evaluation: video FG-ARI and mBO of a model's decoder masks on a DAVIS-layout folder
with annotations (see :mod:`.metrics` for the definitions)."""
import math
from typing import Dict, Optional

import torch
from torch import nn

from ..data import iter_videos
from .metrics import hard_labels, video_object_metrics


def evaluate_folder(
    model: nn.Module,
    cfg,
    root: str,
    max_videos: Optional[int] = None,
    max_frames: Optional[int] = None,
) -> Dict[str, float]:
    """Mean video FG-ARI / mBO over the annotated videos of ``root`` (videos without foreground skipped).

    Each whole video (or its first ``max_frames``) runs through the model as one clip [1, T, 3, H, W] in
    eval mode without gradient; the model's train/eval mode is restored afterwards.
    """
    was_training = model.training
    model.eval()
    scores = {"video_fg_ari": [], "video_mbo": []}
    count = 0
    try:
        with torch.no_grad():
            for video in iter_videos(
                root, (cfg.image_height, cfg.image_width), True, max_frames, max_videos, mean=cfg.mean, std=cfg.std
            ):
                count += 1
                masks = model(video.frames[None])["masks"][0]
                labels = hard_labels(masks, (cfg.grid_height, cfg.grid_width), video.masks.shape[1:])
                for key, value in video_object_metrics(video.masks, labels).items():
                    if not math.isnan(value):
                        scores[key].append(value)
    finally:
        model.train(was_training)
    result = {key: (sum(v) / len(v) if v else float("nan")) for key, v in scores.items()}
    result["videos"] = count
    result["videos_with_objects"] = len(scores["video_fg_ari"])
    return result
