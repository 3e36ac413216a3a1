import os

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from davis_squares import write_squares
from slotmatch_torch.data import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    ClipDataset,
    ClipSampler,
    DataError,
    clip_starts,
    iter_videos,
    list_videos,
    preprocess_frames,
    read_mask,
)


def test_lists_videos_with_natural_frame_order_and_masks(tmp_path):
    write_squares(tmp_path, videos=2, frames=3)
    # an unpadded name sorts by value: 10 after 2
    folder = tmp_path / "JPEGImages" / "video0"
    for i, name in enumerate(["2.png", "10.png"]):
        Image.new("RGB", (30, 24)).save(folder / name)
    videos = list_videos(str(tmp_path))
    assert [v.name for v in videos] == ["video0", "video1"]
    assert [os.path.basename(f) for f in videos[0].frames] == ["00000.png", "00001.png", "00002.png", "2.png", "10.png"]
    assert videos[0].masks is None  # 2.png and 10.png have no masks: the video is unannotated
    assert videos[1].masks is not None and len(videos[1].masks) == 3
    with pytest.raises(DataError, match="video0/2.png: missing mask"):
        list_videos(str(tmp_path), with_masks=True)


def test_missing_layout_is_named(tmp_path):
    with pytest.raises(DataError, match="JPEGImages"):
        list_videos(str(tmp_path))


def test_unreadable_frame_is_named(tmp_path):
    write_squares(tmp_path, videos=1, frames=4)
    bad = tmp_path / "JPEGImages" / "video0" / "00002.png"
    bad.write_bytes(b"not a png at all")
    data = ClipDataset(str(tmp_path), batch_size=1, length=4, sampling="any")
    with pytest.raises(DataError, match=str(bad)):
        data.batch(0, (16, 16))
    with pytest.raises(DataError, match=str(bad)):
        next(iter_videos(str(tmp_path), (16, 16)))


def test_masks_are_raw_indices_and_rgb_masks_are_refused(tmp_path):
    write_squares(tmp_path, videos=1, frames=2, objects=2)
    mask = read_mask(str(tmp_path / "Annotations" / "video0" / "00000.png"))
    assert mask.dtype == np.uint8 and set(np.unique(mask)) <= {0, 1, 2} and mask.max() == 2
    rgb = tmp_path / "Annotations" / "video0" / "00001.png"
    Image.new("RGB", (30, 24), (128, 0, 0)).save(rgb)
    with pytest.raises(DataError, match="00001.png.*mode RGB"):
        read_mask(str(rgb))


def test_preprocess_is_bicubic_then_imagenet_normalisation_then_flip():
    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 256, size=(10, 14, 3), dtype=np.uint8) for _ in range(2)]
    x = torch.from_numpy(np.stack(frames)).permute(0, 3, 1, 2).double() / 255
    expected = F.interpolate(x, size=(7, 9), mode="bicubic", align_corners=False)
    expected = (expected - torch.tensor(IMAGENET_MEAN, dtype=torch.float64).view(3, 1, 1)) / torch.tensor(
        IMAGENET_STD, dtype=torch.float64
    ).view(3, 1, 1)
    got = preprocess_frames(frames, (7, 9))
    assert got.shape == (2, 3, 7, 9) and got.dtype == torch.float32
    assert torch.allclose(got.double(), expected, atol=1e-5)
    flipped = preprocess_frames(frames, (7, 9), flip=True)
    assert torch.equal(flipped, torch.flip(got, dims=(-1,)))
    same = preprocess_frames(frames, (10, 14))  # no resampling at the native size
    assert torch.allclose(same[0, 0], (x[0, 0].float() - IMAGENET_MEAN[0]) / IMAGENET_STD[0], atol=1e-6)
    clamped = preprocess_frames([np.where(frames[0] > 127, 255, 0).astype(np.uint8)], (7, 9), clamp=True)
    low = (0 - torch.tensor(IMAGENET_MEAN)) / torch.tensor(IMAGENET_STD)
    high = (1 - torch.tensor(IMAGENET_MEAN)) / torch.tensor(IMAGENET_STD)
    assert (clamped >= low.view(3, 1, 1) - 1e-6).all() and (clamped <= high.view(3, 1, 1) + 1e-6).all()


def test_clip_starts_chunks_and_any():
    assert clip_starts(10, 4, 1, "chunks") == [0, 4]  # official split_to_chunks: remainder dropped
    assert clip_starts(10, 4, 2, "chunks") == [0]  # chunk of 8 frames, clip 0,2,4,6
    assert clip_starts(7, 4, 2, "chunks") == [0]  # shorter than a chunk, long enough for the span 0..6
    assert clip_starts(10, 4, 1, "any") == list(range(7))
    assert clip_starts(3, 4, 1, "any") == []


def test_sampler_visits_each_video_once_per_epoch_and_is_a_function_of_the_seed():
    sampler = ClipSampler([8, 9, 10, 12, 8], length=3, stride=2, sampling="any", flip_prob=0.5, seed=7)
    for epoch in range(3):
        clips = [sampler.clip(epoch * 5 + i) for i in range(5)]
        assert sorted(c.video for c in clips) == [0, 1, 2, 3, 4]
        for c in clips:
            assert np.diff(c.frames).tolist() == [2, 2] and 0 <= c.frames[0] and c.frames[-1] < [8, 9, 10, 12, 8][c.video]
    again = ClipSampler([8, 9, 10, 12, 8], length=3, stride=2, sampling="any", flip_prob=0.5, seed=7)
    assert [again.clip(i) for i in range(40)] == [sampler.clip(i) for i in range(40)]
    # random access in any order gives the same clips (a resumed run needs only the step)
    assert [sampler.clip(i) for i in reversed(range(40))][::-1] == [again.clip(i) for i in range(40)]
    other = ClipSampler([8, 9, 10, 12, 8], length=3, stride=2, sampling="any", flip_prob=0.5, seed=8)
    assert [other.clip(i) for i in range(40)] != [sampler.clip(i) for i in range(40)]
    flips = [sampler.clip(i).flip for i in range(400)]
    assert 120 < sum(flips) < 280


def test_short_video_is_named(tmp_path):
    write_squares(tmp_path, videos=2, frames=3)
    with pytest.raises(DataError, match="video0: 3 frames, a clip needs 4"):
        ClipDataset(str(tmp_path), batch_size=2, length=4)


def test_batches_have_the_model_shape_and_repeat_by_step(tmp_path):
    write_squares(tmp_path, videos=3, frames=8, ext="jpg")
    data = ClipDataset(str(tmp_path), batch_size=4, length=4, flip_prob=0.5, seed=1)
    batch = data.batch(5, (16, 20))
    assert batch.shape == (4, 4, 3, 16, 20)
    fresh = ClipDataset(str(tmp_path), batch_size=4, length=4, flip_prob=0.5, seed=1, cache=False)
    assert torch.equal(fresh.batch(5, (16, 20)), batch)
    both = data.batch(5, [(16, 20), (8, 8)])
    assert torch.equal(both[(16, 20)], batch) and both[(8, 8)].shape == (4, 4, 3, 8, 8)


def test_eval_videos_have_all_frames_and_masks(tmp_path):
    write_squares(tmp_path, videos=2, frames=5, height=24, width=30)
    videos = list(iter_videos(str(tmp_path), (16, 20), max_frames=4))
    assert [v.name for v in videos] == ["video0", "video1"]
    assert videos[0].frames.shape == (4, 3, 16, 20)
    assert videos[0].masks.shape == (4, 24, 30) and videos[0].masks.max() == 2
