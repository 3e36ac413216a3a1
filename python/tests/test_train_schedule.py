import json
import math
import os

import numpy as np
import pytest
import torch

from slotmatch_torch.train import ExpDecayWithWarmup, TrainConfig, adjusted_rand_index, hard_labels, video_object_metrics


def test_official_schedule_values():
    s = ExpDecayWithWarmup(warmup_steps=2500, decay_steps=100_000, decay_rate=0.5)
    assert s.factor(0) == 0.0  # the first update has lr 0, as Lightning's LambdaLR gives it
    assert s.factor(1) == pytest.approx(1 / 2500)
    assert s.factor(1250) == pytest.approx(0.5)
    assert s.factor(2499) == pytest.approx(2499 / 2500)
    assert s.factor(2500) == 1.0
    assert s.factor(51_250) == pytest.approx(0.5 ** 0.5)
    assert s.factor(100_000) == pytest.approx(0.5)
    assert s.factor(197_500) == pytest.approx(0.25)  # keeps decaying past decay_steps
    assert s.lr(4e-4, 51_250) == pytest.approx(4e-4 * math.sqrt(0.5))
    assert ExpDecayWithWarmup(0, 10, 0.5).factor(0) == 1.0


def test_recipe_defaults_are_the_official_ones():
    d = TrainConfig()
    assert (d.lr, d.warmup_steps, d.decay_steps, d.decay_rate, d.grad_clip) == (4e-4, 2500, 100_000, 0.5, 0.05)
    assert (d.batch_size, d.clip_length, d.alpha, d.temperature, d.beta, d.kd_correspondence) == (64, 4, 0.5, 0.1, 1.0, "index")
    assert TrainConfig(max_steps=20_000).decay_steps == 20_000
    assert TrainConfig.from_dict(TrainConfig(lr=1e-3).to_dict()) == TrainConfig(lr=1e-3)
    with pytest.raises(ValueError, match="clip_length"):
        TrainConfig(clip_length=1)
    with pytest.raises(ValueError, match="unknown fields"):
        TrainConfig.from_dict({"learning_rate": 1})


@pytest.mark.parametrize(
    "gt,pred,expected",
    [  # METHODS.md "Hand-checked values"
        ([0, 0, 1, 1], [0, 0, 1, 1], 1.0),
        ([0, 0, 1, 1], [1, 1, 0, 0], 1.0),
        ([0, 0, 1, 1], [0, 0, 1, 2], 0.571428571),
        ([0, 0, 1, 1], [0, 1, 2, 3], 0.0),
        ([0, 0, 1, 1], [0, 1, 0, 1], -0.5),
    ],
)
def test_ari_hand_checked_values(gt, pred, expected):
    table = np.zeros((2, 4), np.int64)
    for g, p in zip(gt, pred):
        table[g, p] += 1
    assert adjusted_rand_index(table) == pytest.approx(expected, abs=1e-9)


def test_video_metrics_ignore_background_and_void():
    gt = np.array([[[0, 1, 1, 2], [255, 1, 2, 2]]], np.uint8)  # [T=1, 2, 4]
    perfect = np.array([[[3, 0, 0, 1], [2, 0, 1, 1]]])  # background/void pixels predicted anything
    m = video_object_metrics(gt, perfect)
    assert m["video_fg_ari"] == 1.0
    # object 1 = {(0,1),(0,2),(1,1)}, pred 0 = the same three pixels → IoU 1; object 2 = {(0,3),(1,2),(1,3)},
    # pred 1 = those three → IoU 1
    assert m["video_mbo"] == 1.0
    merged = np.array([[[0, 0, 0, 0], [0, 0, 0, 0]]])
    m = video_object_metrics(gt, merged)
    assert m["video_fg_ari"] == 0.0
    # IoU of each 3-pixel object with the all-pixels prediction: 3 / 8
    assert m["video_mbo"] == pytest.approx(3 / 8)
    empty = video_object_metrics(np.zeros((1, 2, 2), np.uint8), np.zeros((1, 2, 2), np.int64))
    assert math.isnan(empty["video_fg_ari"]) and math.isnan(empty["video_mbo"])


def test_hard_labels_upsample_bilinearly_then_argmax():
    masks = torch.zeros(1, 2, 4)  # T=1, K=2, grid 2x2
    masks[0, 1, 1] = 1.0  # slot 1 wins the top-right token
    masks[0, 0] = 0.5
    labels = hard_labels(masks, (2, 2), (4, 4))
    assert labels.shape == (1, 4, 4)
    assert labels[0, 0, 3] == 1 and labels[0, 3, 0] == 0
    with pytest.raises(ValueError, match="grid"):
        hard_labels(masks, (3, 2), (4, 4))


FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "fixtures", "metrics", "synthetic")


@pytest.mark.skipif(not os.path.isdir(FIXTURES), reason="../shared/fixtures/metrics/synthetic is absent")
def test_video_metrics_match_the_reference_fixtures():
    """Golden numbers of the real videosaur/slotcontrast metrics.py on the synthetic PNG cases."""
    from slotmatch_torch.data import read_mask

    checked = 0
    for case in sorted(os.listdir(FIXTURES)):
        expected_path = os.path.join(FIXTURES, case, "expected.json")
        if not os.path.isfile(expected_path):
            continue
        with open(expected_path) as handle:
            expected = json.load(handle).get("object_metrics") or {}
        for seq, numbers in expected.items():
            gt_dir = os.path.join(FIXTURES, case, "gt", seq)
            names = sorted(os.listdir(gt_dir))
            gt = np.stack([read_mask(os.path.join(gt_dir, n)) for n in names])
            pred = np.stack([read_mask(os.path.join(FIXTURES, case, "pred", seq, n)) for n in names])
            got = video_object_metrics(gt, pred)
            for key in ("video_fg_ari", "video_mbo"):
                want = numbers[key]
                if want is None:
                    assert math.isnan(got[key]), (case, seq, key)
                else:
                    assert got[key] == pytest.approx(want, abs=1e-9), (case, seq, key)
            checked += 1
    assert checked > 0
