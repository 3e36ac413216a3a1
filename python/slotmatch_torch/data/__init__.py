"""Data: DAVIS-layout folders, seeded training clips, whole videos for evaluation."""
from .clips import SAMPLING_MODES, ClipDataset, ClipRef, ClipSampler, clip_starts
from .folder import DataError, VideoEntry, list_videos, read_frame, read_mask
from .transforms import IMAGENET_MEAN, IMAGENET_STD, flip_frames, normalize_frames, preprocess_frames, resize_frames
from .videos import EvalVideo, iter_videos

__all__ = [
    "SAMPLING_MODES",
    "ClipDataset",
    "ClipRef",
    "ClipSampler",
    "clip_starts",
    "DataError",
    "VideoEntry",
    "list_videos",
    "read_frame",
    "read_mask",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "flip_frames",
    "normalize_frames",
    "preprocess_frames",
    "resize_frames",
    "EvalVideo",
    "iter_videos",
]
