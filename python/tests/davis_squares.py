"""Test helper: writes a tiny DAVIS-layout folder of moving coloured squares (frames + palette masks)."""
import os

import numpy as np
from PIL import Image

COLOURS = [(230, 40, 40), (40, 200, 60), (50, 80, 230), (240, 220, 40)]


def palette():
    pal = [0, 0, 0, 128, 0, 0, 0, 128, 0, 128, 128, 0, 0, 0, 128]
    return pal + [0] * (768 - len(pal))


def write_squares(root, videos=3, frames=8, height=24, width=30, objects=2, seed=0, ext="png", masks=True):
    """``videos`` videos of ``frames`` frames; square j has label j + 1 and moves one step per frame."""
    rng = np.random.default_rng(seed)
    for v in range(videos):
        name = f"video{v}"
        os.makedirs(os.path.join(root, "JPEGImages", name), exist_ok=True)
        if masks:
            os.makedirs(os.path.join(root, "Annotations", name), exist_ok=True)
        side = max(4, height // 4)
        starts = rng.integers(0, [height - side, width - side], size=(objects, 2))
        moves = rng.choice([-1, 1], size=(objects, 2))
        background = rng.integers(60, 120, size=3)
        for t in range(frames):
            image = np.empty((height, width, 3), np.uint8)
            image[:] = background
            label = np.zeros((height, width), np.uint8)
            for j in range(objects):
                y, x = starts[j] + moves[j] * t
                y = int(np.clip(y, 0, height - side))
                x = int(np.clip(x, 0, width - side))
                image[y:y + side, x:x + side] = COLOURS[j % len(COLOURS)]
                label[y:y + side, x:x + side] = j + 1
            Image.fromarray(image).save(os.path.join(root, "JPEGImages", name, f"{t:05d}.{ext}"))
            if masks:
                m = Image.fromarray(label, mode="P")
                m.putpalette(palette())
                m.save(os.path.join(root, "Annotations", name, f"{t:05d}.png"))
    return root
