"""Random training clips from a DAVIS-layout folder, in an order that is a pure function of the seed.

Sample ``i`` (counted over the whole run; batch ``n`` holds samples ``n·B … n·B + B − 1``) lives in epoch
``e = i // N`` (N videos) at position ``i % N``. Epoch ``e`` visits the videos in the order of a permutation
drawn from ``numpy.random.default_rng([seed, e])``; the clip start and the flip of sample ``i`` come from
``default_rng([seed, e, i % N, 1])``. So resuming at step ``n`` needs nothing but ``n`` — the data order
is never stored and cannot drift.

Each epoch takes one clip per video, as the official pipeline does (``sample_one_chunk_per_video``):

- ``sampling="chunks"`` (official ``split_to_chunks``): the video is cut into consecutive,
  non-overlapping chunks of ``length·stride`` frames (a trailing remainder dropped) and one chunk is
  picked uniformly; the clip is its frames ``0, stride, …``.
- ``sampling="any"``: any start ``0 … n − span`` is equally likely (span = (length − 1)·stride + 1),
  for small data sets where a few fixed chunks per video would be too few.
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from .folder import DataError, VideoEntry, list_videos, read_frame
from .transforms import IMAGENET_MEAN, IMAGENET_STD, flip_frames, preprocess_frames

SAMPLING_MODES = ("chunks", "any")


@dataclass(frozen=True)
class ClipRef:
    """Where a training clip comes from: the video, the frame indices, whether it is flipped."""

    video: int
    frames: Tuple[int, ...]
    flip: bool


def clip_starts(num_frames: int, length: int, stride: int, sampling: str) -> List[int]:
    """The admissible first-frame indices of a clip of ``length`` frames taken every ``stride`` frames."""
    span = (length - 1) * stride + 1
    if sampling == "chunks":
        chunk = length * stride
        return [s for s in range(0, num_frames - chunk + 1, chunk)] if num_frames >= chunk else (
            [0] if num_frames >= span else []
        )
    if sampling == "any":
        return list(range(0, num_frames - span + 1))
    raise ValueError(f"sampling must be one of {SAMPLING_MODES}, got {sampling!r}")


class ClipSampler:
    """Maps a global sample index to a :class:`ClipRef` (see the module doc for the rule)."""

    def __init__(
        self,
        lengths: Sequence[int],
        length: int = 4,
        stride: int = 1,
        sampling: str = "chunks",
        flip_prob: float = 0.0,
        seed: int = 0,
        names: Optional[Sequence[str]] = None,
    ):
        if length < 1 or stride < 1:
            raise ValueError(f"clip length ({length}) and stride ({stride}) must be >= 1")
        if not 0.0 <= flip_prob <= 1.0:
            raise ValueError(f"flip probability must be in [0, 1], got {flip_prob}")
        self.length, self.stride, self.sampling = length, stride, sampling
        self.flip_prob, self.seed = flip_prob, seed
        self.starts = [clip_starts(n, length, stride, sampling) for n in lengths]
        for i, starts in enumerate(self.starts):
            if not starts:
                name = names[i] if names is not None else f"#{i}"
                span = (length - 1) * stride + 1
                raise DataError(f"video {name}: {lengths[i]} frames, a clip needs {span} (length {length}, stride {stride})")
        self._perm: Dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.starts)

    def _permutation(self, epoch: int) -> np.ndarray:
        perm = self._perm.get(epoch)
        if perm is None:
            perm = np.random.default_rng([self.seed, epoch]).permutation(len(self.starts))
            self._perm = {epoch: perm}  # only the current epoch is kept
        return perm

    def clip(self, index: int) -> ClipRef:
        """The clip of global sample ``index``."""
        n = len(self.starts)
        epoch, position = divmod(index, n)
        video = int(self._permutation(epoch)[position])
        rng = np.random.default_rng([self.seed, epoch, position, 1])
        starts = self.starts[video]
        start = starts[int(rng.integers(len(starts)))]
        flip = bool(rng.random() < self.flip_prob)
        return ClipRef(video, tuple(start + j * self.stride for j in range(self.length)), flip)


class ClipDataset:
    """Training clips of a DAVIS-layout folder, batched by step, ready for the model.

    ``batch(step, size)`` returns [B, T, 3, h, w] normalised clips for the samples of ``step``;
    ``batch(step, sizes)`` with several sizes returns a dict size → tensor from the same frames (a
    teacher and a student with different input sizes see the same clips). Decoded frames are cached in
    memory when ``cache`` is set (the synthetic worlds of this project fit easily).
    """

    def __init__(
        self,
        root: str,
        batch_size: int,
        length: int = 4,
        stride: int = 1,
        sampling: str = "chunks",
        flip_prob: float = 0.0,
        seed: int = 0,
        cache: bool = True,
        antialias: bool = False,
        clamp: bool = False,
        mean: Sequence[float] = IMAGENET_MEAN,
        std: Sequence[float] = IMAGENET_STD,
    ):
        if batch_size < 1:
            raise ValueError(f"batch size must be >= 1, got {batch_size}")
        self.root = root
        self.videos: List[VideoEntry] = list_videos(root)
        self.sampler = ClipSampler(
            [len(v) for v in self.videos], length, stride, sampling, flip_prob, seed, [v.name for v in self.videos]
        )
        self.batch_size = batch_size
        self.cache: Optional[Dict[str, np.ndarray]] = {} if cache else None
        self.antialias, self.clamp, self.mean, self.std = antialias, clamp, tuple(mean), tuple(std)

    def frame(self, path: str) -> np.ndarray:
        if self.cache is None:
            return read_frame(path)
        array = self.cache.get(path)
        if array is None:
            array = self.cache[path] = read_frame(path)
        return array

    def preload(self) -> int:
        """Decode every frame into the cache (a bad file raises now, naming it); returns the frame count."""
        if self.cache is None:
            raise ValueError("preload needs cache=True")
        for entry in self.videos:
            for path in entry.frames:
                self.frame(path)
        return len(self.cache)

    def clips(self, step: int) -> List[ClipRef]:
        """The clips of batch ``step`` (samples step·B … step·B + B − 1)."""
        first = step * self.batch_size
        return [self.sampler.clip(first + j) for j in range(self.batch_size)]

    def raw(self, ref: ClipRef) -> List[np.ndarray]:
        """The uint8 frames of a clip (all of one size)."""
        entry = self.videos[ref.video]
        frames = [self.frame(entry.frames[i]) for i in ref.frames]
        shapes = {f.shape for f in frames}
        if len(shapes) > 1:
            raise DataError(f"{entry.name}: frames {[entry.frames[i] for i in ref.frames]} differ in size {sorted(shapes)}")
        return frames

    def load(self, ref: ClipRef, size: Tuple[int, int]) -> torch.Tensor:
        """One clip as model input [T, 3, h, w]."""
        return preprocess_frames(self.raw(ref), size, ref.flip, self.antialias, self.clamp, self.mean, self.std)

    def _stack(self, refs: List[ClipRef], raws: List[List[np.ndarray]], size: Tuple[int, int]) -> torch.Tensor:
        if len({r[0].shape for r in raws}) == 1:  # one pipeline pass over the whole batch
            flat = [f for r in raws for f in r]
            video = preprocess_frames(flat, size, False, self.antialias, self.clamp, self.mean, self.std)
            video = video.unflatten(0, (len(refs), len(raws[0])))
            return flip_frames(video, [r.flip for r in refs])
        return torch.stack([self.load(r, size) for r in refs])

    def batch(self, step: int, size):
        """Normalised clips of ``step``: [B, T, 3, h, w] for one ``size`` = (h, w), or a dict for a list of sizes."""
        refs = self.clips(step)
        raws = [self.raw(r) for r in refs]
        if isinstance(size, list):
            return {tuple(s): self._stack(refs, raws, tuple(s)) for s in size}
        return self._stack(refs, raws, tuple(size))
