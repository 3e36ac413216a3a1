"""DAVIS-layout video folders: ``<root>/JPEGImages/<video>/<frame>.{jpg,jpeg,png}`` and, optionally,
``<root>/Annotations/<video>/<frame>.png`` palette masks (evaluation only; never a training signal).

Frames of a video are ordered by a natural sort of their file names (``2.jpg`` before ``10.jpg``;
DAVIS's zero-padded ``00000.jpg`` sorts the same either way). Every read error names the file.
"""
import os
import re
from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np

FRAME_EXTENSIONS = (".jpg", ".jpeg", ".png")


class DataError(ValueError):
    """Bad input data; the message names the offending file or folder and the rule it breaks."""


def natural_key(name: str):
    """Sort key that orders digit runs by value (``f2.png`` < ``f10.png``), ties broken by the name itself."""
    return ([int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)], name)


@dataclass
class VideoEntry:
    """One video of a DAVIS-layout folder: its name, ordered frame paths and (optional) mask paths."""

    name: str
    frames: List[str]
    masks: Optional[List[str]] = field(default=None)

    def __len__(self) -> int:
        return len(self.frames)


def _listing(folder: str, extensions) -> List[str]:
    names = [n for n in os.listdir(folder) if n.lower().endswith(extensions) and not n.startswith(".")]
    return [os.path.join(folder, n) for n in sorted(names, key=natural_key)]


def list_videos(root: str, with_masks: bool = False) -> List[VideoEntry]:
    """The videos of ``root`` (a DAVIS-layout folder), sorted by name.

    ``with_masks``: also pair each frame with ``Annotations/<video>/<frame stem>.png`` and raise when a
    video's annotation folder is missing or a frame has no mask. Without it, masks are attached when a
    complete annotation folder exists and left ``None`` otherwise.
    """
    images = os.path.join(root, "JPEGImages")
    if not os.path.isdir(images):
        raise DataError(f"{images}: not a folder (expected the DAVIS layout <root>/JPEGImages/<video>/<frame>.jpg)")
    annotations = os.path.join(root, "Annotations")
    videos = []
    for name in sorted(os.listdir(images), key=natural_key):
        folder = os.path.join(images, name)
        if name.startswith(".") or not os.path.isdir(folder):
            continue
        frames = _listing(folder, FRAME_EXTENSIONS)
        if not frames:
            raise DataError(f"{folder}: no frames (*.jpg, *.jpeg, *.png)")
        masks = None
        mask_folder = os.path.join(annotations, name)
        if os.path.isdir(mask_folder):
            candidates = [os.path.join(mask_folder, os.path.splitext(os.path.basename(f))[0] + ".png") for f in frames]
            missing = [c for c in candidates if not os.path.isfile(c)]
            if not missing:
                masks = candidates
            elif with_masks:
                raise DataError(f"{missing[0]}: missing mask for frame {frames[candidates.index(missing[0])]}")
        elif with_masks:
            raise DataError(f"{mask_folder}: not a folder (masks are required here)")
        videos.append(VideoEntry(name, frames, masks))
    if not videos:
        raise DataError(f"{images}: no video folders")
    return videos


def read_frame(path: str) -> np.ndarray:
    """The RGB frame at ``path`` as uint8 [H, W, 3]; any decoding failure raises a DataError naming the file."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"), dtype=np.uint8).copy()
    except Exception as error:  # PIL raises several types (UnidentifiedImageError, OSError, SyntaxError, ...)
        raise DataError(f"{path}: unreadable frame ({type(error).__name__}: {error})") from error


def read_mask(path: str) -> np.ndarray:
    """The label map at ``path`` as uint8 [H, W]: raw palette indices (P mode) or grey values (L mode).

    Colours are never used (METRICS.md); RGB masks and unreadable files raise a DataError naming the file.
    """
    from PIL import Image

    try:
        with Image.open(path) as image:
            if image.mode not in ("P", "L"):
                raise DataError(f"{path}: mask mode {image.mode}, expected a palette (P) or grey (L) PNG")
            return np.asarray(image, dtype=np.uint8).copy()
    except DataError:
        raise
    except Exception as error:
        raise DataError(f"{path}: unreadable mask ({type(error).__name__}: {error})") from error
