"""The synthetic-world recipe: the 'synth-cnn' backbone, the synth presets, BO-QSA slots and the stage-1
``pretrain`` command (resumable, loadable by ``train --init-from``, exportable as a bundle)."""
import json
import math
import os
import subprocess
import sys

import pytest
import torch

from davis_squares import write_squares
from slotmatch_torch.config import ModelConfig, preset, synth_student, synth_teacher
from slotmatch_torch.models import build_model
from slotmatch_torch.recipes.pretrain import (PretrainConfig, bo_qsa_slots, load_stage1_teacher, pretrain_lr,
                                              run_pretrain, teacher_clip_slots)
from slotmatch_torch.recipes.synth_cnn import SynthCNN, position_grid

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def small(stride=1, **changes):
    cfg = synth_teacher().replace(image_height=16, image_width=16, num_slots=3, slot_dim=16, decoder_hidden=[16],
                                  backbone_options={"dim": 8, "stride": stride, "layers": 2, "kernel": 3})
    return cfg.replace(**changes) if changes else cfg


def test_position_grid_spans_the_unit_square_row_major():
    g = position_grid(3, 4)
    assert g.shape == (12, 4)
    assert g[0].tolist() == [0.0, 0.0, 1.0, 1.0]
    assert g[3].tolist() == [1.0, 0.0, 0.0, 1.0]  # end of the first row: x = 1
    assert g[-1].tolist() == [1.0, 1.0, 0.0, 0.0]


def test_synth_cnn_tokens_are_pooled_conv_features_plus_position():
    torch.manual_seed(0)
    net = SynthCNN(8, 12, dim=5, stride=2, layers=2, kernel=3)
    x = torch.rand(2, 3, 8, 12)
    tokens = net(x)
    assert tokens.shape == (2, 4 * 6, 5)
    h = torch.nn.functional.avg_pool2d(net.convs(x), 2)
    expected = h.flatten(2).transpose(1, 2) + net.position(position_grid(4, 6))
    assert torch.allclose(tokens, expected)
    assert tokens[0, 1 * 6 + 2].allclose(h[0, :, 1, 2] + net.position(position_grid(4, 6)[8]))


def test_stride_one_and_two_share_every_weight():
    a = build_model(small(stride=1))
    b = build_model(small(stride=2))
    backbone = {k: v.shape for k, v in a.state_dict().items() if k.startswith("encoder.module.")}
    assert backbone == {k: v.shape for k, v in b.state_dict().items() if k.startswith("encoder.module.")}
    assert a.config.num_patches == 256 and b.config.num_patches == 64


def test_synth_presets_teacher_student_interface_and_size():
    t, s = preset("synth-teacher"), preset("synth-student")
    assert (t.image_height, t.num_slots, t.grid_height) == (s.image_height, s.num_slots, s.grid_height)
    assert not t.trainable_backbone and not s.trainable_backbone
    pt, ps = build_model(t).parameter_counts()["total"], build_model(s).parameter_counts()["total"]
    assert pt >= 3 * ps, (pt, ps)
    assert ModelConfig.from_dict(json.loads(json.dumps(s.to_dict()))) == synth_student()


def test_bo_qsa_forward_equals_plain_iterations_and_gradient_reaches_the_init():
    torch.manual_seed(1)
    model = build_model(small())
    corrector = model.processor.module.corrector
    init = model.initializer(2)
    tokens = torch.randn(2, 256, 16)
    out = bo_qsa_slots(corrector, init, tokens, 3)
    plain = corrector(init, tokens, 3)
    assert torch.allclose(out["slots"], plain["slots"], atol=1e-6)
    out["slots"].sum().backward()
    assert model.initializer.slots.grad is not None and model.initializer.slots.grad.abs().sum() > 0
    assert corrector.to_k.weight.grad.abs().sum() > 0


@pytest.fixture(scope="module")
def squares(tmp_path_factory):
    return str(write_squares(tmp_path_factory.mktemp("sq"), videos=3, frames=6, height=16, width=16, objects=2))


def test_pretrain_resumes_bit_identically_and_logs_attention_scores(squares, tmp_path):
    recipe = PretrainConfig(max_steps=4, batch_frames=4, warmup_steps=2)
    one = run_pretrain(squares, str(tmp_path / "one"), small(), recipe, eval_data=squares, eval_every=4, quiet=True)
    run_pretrain(squares, str(tmp_path / "two"), small(), PretrainConfig(max_steps=4, batch_frames=4, warmup_steps=2),
                 time_limit=0.0, quiet=True)  # stops before the first step, checkpoint at step 0
    two = run_pretrain(squares, str(tmp_path / "two"), None, None, eval_data=squares, eval_every=4, quiet=True)
    assert one["step"] == two["step"] == 4
    a = torch.load(one["checkpoint"])["state_dict"]
    b = torch.load(two["checkpoint"])["state_dict"]
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    assert any(k.startswith("pretrain_head.") for k in a)
    records = [json.loads(line) for line in open(tmp_path / "one" / "log.jsonl")]
    evals = [r for r in records if r["type"] == "eval"]
    assert evals and -1.0 <= evals[-1]["video_fg_ari"] <= 1.0 and 0.0 <= evals[-1]["video_mbo"] <= 1.0


def test_pretrain_refuses_a_pooled_backbone(squares, tmp_path):
    with pytest.raises(ValueError, match="stride = 1"):
        run_pretrain(squares, str(tmp_path / "x"), small(stride=2), PretrainConfig(max_steps=1, batch_frames=2))


def test_cli_pretrain_then_train_init_from_then_export(squares, tmp_path):
    cfg = json.dumps(small(stride=2).to_dict())
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    run = lambda *a: subprocess.run([sys.executable, "-m", "slotmatch_torch", *a], env=env, capture_output=True, text=True)
    pre = run("pretrain", "--data", squares, "--out", str(tmp_path / "pre"), "--config", cfg, "--max-steps", "2",
              "--batch-frames", "4", "--quiet")
    assert pre.returncode == 0, pre.stderr
    stored = torch.load(tmp_path / "pre" / "checkpoint.pt")
    assert stored["model_config"]["backbone_options"]["stride"] == 1
    train = run("train", "--data", squares, "--out", str(tmp_path / "t"), "--config", cfg, "--max-steps", "1",
                "--batch-size", "2", "--warmup-steps", "0", "--init-from", str(tmp_path / "pre" / "checkpoint.pt"),
                "--quiet")
    assert train.returncode == 0, train.stderr
    trained = torch.load(tmp_path / "t" / "checkpoint.pt")
    groups = json.load(open(tmp_path / "t" / "config.json"))["initialised_from"]["groups"]
    assert set(groups) == {"initializer", "encoder.module.backbone", "encoder.module.output_transform",
                           "processor.module.corrector"}
    key = "encoder.module.backbone.model.convs.0.weight"
    assert torch.equal(trained["state_dict"][key], stored["state_dict"][key])  # frozen backbone kept as pre-trained
    out = run("export", str(tmp_path / "t" / "checkpoint.pt"), "--out", str(tmp_path / "bundle"), "--name", "synth-t")
    assert out.returncode == 0, out.stderr
    manifest = json.load(open(tmp_path / "bundle" / "model.json"))
    assert manifest["tokens"] == {"gridHeight": 8, "gridWidth": 8, "dim": 8}
    assert manifest["input"]["mean"] == [0.0, 0.0, 0.0]


def test_shifted_blend_moves_content_by_the_shift_and_blends_by_the_masks():
    from slotmatch_torch.recipes.pretrain import shifted_blend

    frames = torch.zeros(1, 3, 8, 8)
    frames[0, :, 2, 3] = 1.0  # a bright pixel at x = 3, y = 2
    shift = torch.tensor([[[2 * 2 / 8, 0.0], [0.0, 2 * 1 / 8]]])  # slot 0: +2 px in x; slot 1: +1 px in y
    only_first = torch.zeros(1, 2, 8, 8)
    only_first[:, 0] = 1.0
    out = shifted_blend(frames, shift, only_first)
    assert out[0, 0, 2, 5] == pytest.approx(1.0) and out[0, 0, 2, 3] == pytest.approx(0.0)
    half = torch.full((1, 2, 8, 8), 0.5)
    out = shifted_blend(frames, shift, half)
    assert out[0, 1, 2, 5] == pytest.approx(0.5) and out[0, 1, 3, 3] == pytest.approx(0.5)


def test_pretrain_without_motion_reads_single_frames(squares, tmp_path):
    recipe = PretrainConfig(max_steps=2, batch_frames=4, warmup_steps=1, motion_weight=0.0)
    out = run_pretrain(squares, str(tmp_path / "m0"), small(), recipe, quiet=True)
    stored = torch.load(out["checkpoint"])
    assert stored["pretrain_config"]["motion_weight"] == 0.0 and out["step"] == 2


def test_identity_predictor_and_slot_balanced_mask_loss():
    from slotmatch_torch.recipes.decoder_fit import attention_to_masks_loss, identity_predictor

    model = build_model(small(stride=2))
    identity_predictor(model)
    slots = torch.randn(2, 3, 16)
    assert torch.allclose(model.processor.module.predictor(slots), slots)
    attention = torch.zeros(1, 2, 4)
    attention[0, 0, :3] = 1.0  # slot 0 wins 3 pixels, slot 1 one pixel
    attention[0, 1, 3] = 1.0
    masks = torch.full((1, 2, 4), 0.5)
    masks[0, :, 3] = torch.tensor([0.9, 0.1])  # the minority pixel is wrong
    # balanced: each slot's pixels weigh 1/count → mean of the per-slot mean NLLs
    expected = 0.5 * (-torch.log(torch.tensor(0.5 + 1e-8)) - torch.log(torch.tensor(0.1 + 1e-8)))
    assert attention_to_masks_loss(masks, attention).item() == pytest.approx(expected.item(), rel=1e-5)


def test_cli_fit_decoder_writes_a_full_stage2_checkpoint(squares, tmp_path):
    cfg = json.dumps(small(stride=2).to_dict())
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    run = lambda *a: subprocess.run([sys.executable, "-m", "slotmatch_torch", *a], env=env, capture_output=True, text=True)
    assert run("pretrain", "--data", squares, "--out", str(tmp_path / "pre"), "--config", cfg, "--max-steps", "1",
               "--batch-frames", "4", "--quiet").returncode == 0
    fit = run("pretrain", "--fit-decoder", str(tmp_path / "pre" / "checkpoint.pt"), "--data", squares, "--out",
              str(tmp_path / "fit"), "--config", cfg, "--max-steps", "2", "--batch-frames", "4")
    assert fit.returncode == 0, fit.stderr
    stage1 = torch.load(tmp_path / "pre" / "checkpoint.pt")["state_dict"]
    fitted = torch.load(tmp_path / "fit" / "checkpoint.pt")["state_dict"]
    assert set(fitted) == set(build_model(small(stride=2)).state_dict())
    key = "processor.module.corrector.to_k.weight"
    assert torch.equal(fitted[key], stage1[key])  # frozen while the decoder fits


def test_attention_decoder_masks_are_the_slot_attention_and_blend_the_reconstruction():
    torch.manual_seed(2)
    cfg = small(stride=2)
    assert cfg.decoder_masks == "attention" and small(stride=2, decoder_masks="alpha").decoder_masks == "alpha"
    with pytest.raises(ValueError, match="decoder_masks"):
        small(decoder_masks="other")
    model = build_model(cfg)
    out = model.step(torch.randn(2, 64, 8))
    assert torch.equal(out["masks"], out["attention"])
    recons = model.decoder.module(out["slots"])["recons"]
    assert torch.allclose(out["reconstruction"], (recons * out["attention"].unsqueeze(-1)).sum(1), atol=1e-6)


def test_pretrain_lr_warms_up_then_anneals_to_the_floor():
    recipe = PretrainConfig(max_steps=110, warmup_steps=10, lr=1e-3, min_lr_ratio=0.1)
    assert pretrain_lr(recipe, 0) == pytest.approx(1e-4) and pretrain_lr(recipe, 9) == pytest.approx(1e-3)
    assert pretrain_lr(recipe, 10) == pytest.approx(1e-3)
    assert pretrain_lr(recipe, 60) == pytest.approx(1e-3 * (0.1 + 0.9 * 0.5))  # half-way: mean of peak and floor
    assert pretrain_lr(recipe, 110) == pytest.approx(1e-4)
    rates = [pretrain_lr(recipe, s) for s in range(10, 111)]
    assert all(a >= b for a, b in zip(rates, rates[1:]))
    constant = PretrainConfig(max_steps=50, warmup_steps=5, lr=1e-3, min_lr_ratio=1.0)
    assert all(pretrain_lr(constant, s) == pytest.approx(1e-3) for s in range(5, 50))


def test_pretrain_keeps_the_best_validation_state(squares, tmp_path):
    recipe = PretrainConfig(max_steps=4, batch_frames=4, warmup_steps=1)
    run_pretrain(squares, str(tmp_path / "b"), small(), recipe, eval_data=squares, eval_every=2, quiet=True)
    evals = [json.loads(line) for line in open(tmp_path / "b" / "log.jsonl")]
    evals = [r for r in evals if r["type"] == "eval"]
    best = torch.load(tmp_path / "b" / "best.pt")
    scores = [r["video_fg_ari"] + r["video_mbo"] for r in evals]
    assert evals[0]["best"] is True
    assert best["step"] == evals[scores.index(max(scores))]["step"]
    assert best["best_score"] == pytest.approx(max(scores))


def test_slotmatch_stage1_distils_index_matched_slots_through_a_projection(squares, tmp_path):
    teacher_run = run_pretrain(squares, str(tmp_path / "t"), small(), PretrainConfig(max_steps=2, batch_frames=4),
                               quiet=True)
    student_cfg = small(slot_dim=8, backbone_options={"dim": 4, "stride": 1, "layers": 1, "kernel": 3})
    recipe = PretrainConfig(max_steps=2, batch_frames=4, kd_weight=1.0, contrast_weight=0.5,
                            teacher=teacher_run["checkpoint"])
    out = run_pretrain(squares, str(tmp_path / "s"), student_cfg, recipe, quiet=True)
    stored = torch.load(out["checkpoint"])["state_dict"]
    assert stored["pretrain_projection.weight"].shape == (16, 8)  # student S' = 8 → teacher S = 16
    teacher = load_stage1_teacher(teacher_run["checkpoint"])
    assert not any(p.requires_grad for p in teacher.parameters())
    frames = torch.rand(2, 3, 16, 16)
    clip = torch.stack([frames, frames.flip(-1), frames.flip(-2)], 1)
    slots = teacher_clip_slots(teacher, clip, 3)
    assert slots.shape == (2, 3, 3, 16)
    corrector = teacher.processor.module.corrector

    def tokens(x):
        return teacher.encoder.module.output_transform(teacher.encode(x))

    expected = corrector(teacher.initializer(2), tokens(frames), 3)["slots"]  # frame 0 from the learned slots
    assert torch.allclose(slots[:, 0], expected)
    for t in (1, 2):  # later frames from the previous frame's slots, the same count as the student's in clip_loss
        expected = corrector(expected, tokens(clip[:, t]), 3)["slots"]
        assert torch.allclose(slots[:, t], expected)


def test_slotmatch_stage1_refuses_a_teacher_with_other_slot_count(squares, tmp_path):
    teacher_run = run_pretrain(squares, str(tmp_path / "t"), small(num_slots=4), PretrainConfig(max_steps=1, batch_frames=2),
                               quiet=True)
    with pytest.raises(ValueError, match="4 slots"):
        run_pretrain(squares, str(tmp_path / "s"), small(), PretrainConfig(max_steps=1, batch_frames=2, kd_weight=1.0,
                     teacher=teacher_run["checkpoint"]), quiet=True)


def test_block_flow_recovers_a_known_translation_and_reads_static_as_zero():
    from slotmatch_torch.recipes.block_flow import block_flow

    torch.manual_seed(0)
    before = torch.rand(1, 3, 24, 24)
    after = torch.roll(before, shifts=(-1, 2), dims=(2, 3))  # content moves by dx = +2, dy = −1
    flow = block_flow(before, after, radius=3, window=1)
    inner = flow[0, :, 5:-5, 5:-5]
    assert torch.all(inner[0] == 2) and torch.all(inner[1] == -1)
    assert torch.all(block_flow(before, before, radius=3) == 0)
    flat = torch.full((1, 3, 8, 8), 0.5)  # textureless: every shift matches, the smallest motion wins
    assert torch.all(block_flow(flat, flat.clone(), radius=2) == 0)
    with pytest.raises(ValueError, match="must be equal"):
        block_flow(before, after[:, :, :-1])


def test_pretrain_with_the_flow_target_gives_the_head_two_motion_channels(squares, tmp_path):
    recipe = PretrainConfig(max_steps=2, batch_frames=4, warmup_steps=1, flow_weight=1.0, flow_radius=2)
    out = run_pretrain(squares, str(tmp_path / "f"), small(), recipe, eval_data=squares, eval_every=2, log_every=1,
                       quiet=True)
    stored = torch.load(out["checkpoint"])
    assert stored["state_dict"]["pretrain_head.net.2.weight"].shape[0] == 5
    assert stored["pretrain_config"]["flow_weight"] == 1.0
    records = [json.loads(line) for line in open(tmp_path / "f" / "log.jsonl")]
    losses = [r["loss"] for r in records if r["type"] == "train"]
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses)


def test_gaussian_blur_keeps_flat_images_and_averages_stripes_to_their_mean():
    from slotmatch_torch.recipes.pretrain import gaussian_blur

    flat = torch.full((1, 3, 12, 12), 0.3)
    assert torch.allclose(gaussian_blur(flat, 1.5), flat)
    stripes = torch.zeros(1, 3, 16, 16)
    stripes[..., ::2] = 1.0  # period 2 px
    blurred = gaussian_blur(stripes, 1.5)
    assert torch.allclose(blurred[..., 4:-4, 4:-4], torch.full_like(blurred[..., 4:-4, 4:-4], 0.5), atol=1e-2)
    assert gaussian_blur(stripes, 0.0) is stripes


def test_pretrain_with_the_flow_target_alone_still_trains_on_pairs(squares, tmp_path):
    recipe = PretrainConfig(max_steps=1, batch_frames=4, warmup_steps=1, motion_weight=0.0, flow_weight=1.0,
                            flow_radius=2)
    out = run_pretrain(squares, str(tmp_path / "flow-only"), small(), recipe, quiet=True)
    assert out["step"] == 1


def test_chromaticity_divides_out_brightness_and_keeps_grey_at_one():
    from slotmatch_torch.recipes.pretrain import CHROMATICITY_EPS, chromaticity

    hue = torch.tensor([0.8, 0.3, 0.1]).view(1, 3, 1, 1)
    bright, dark = 0.9 * hue, 0.5 * hue  # two shades of one hue and saturation (a striped object)
    eps0 = lambda x: chromaticity(x, 0.0)  # noqa: E731
    assert torch.allclose(eps0(bright), eps0(dark))
    assert torch.allclose(eps0(bright), 3 * hue / hue.sum())
    grey = torch.full((1, 3, 2, 2), 0.4)
    assert torch.allclose(chromaticity(grey), torch.full_like(grey, 3 * 0.4 / (1.2 + CHROMATICITY_EPS)))
    # with ε the two shades differ by far less than their RGB values do
    assert (chromaticity(bright) - chromaticity(dark)).abs().max() < 0.2 * (bright - dark).abs().max() * 3


def test_pretrain_with_the_chromaticity_target_trains_and_refuses_unknown_targets(squares, tmp_path):
    recipe = PretrainConfig(max_steps=1, batch_frames=4, warmup_steps=1, colour_target="chromaticity")
    out = run_pretrain(squares, str(tmp_path / "chroma"), small(), recipe, quiet=True)
    assert torch.load(out["checkpoint"])["pretrain_config"]["colour_target"] == "chromaticity"
    with pytest.raises(ValueError, match="colour_target"):
        run_pretrain(squares, str(tmp_path / "bad"), small(), PretrainConfig(max_steps=1, colour_target="lab"),
                     quiet=True)


def test_clip_loss_of_two_frames_is_the_pair_objective_and_longer_clips_carry_slots(squares, tmp_path):
    from slotmatch_torch.recipes.pretrain import ColourHead, FlowHead, autoencode, clip_loss, shifted_blend
    import torch.nn.functional as F

    torch.manual_seed(0)
    cfg = small()
    model, head, flow = build_model(cfg), ColourHead(cfg.slot_dim), FlowHead(cfg.slot_dim)
    clips = torch.rand(2, 3, 3, 16, 16)
    recipe = PretrainConfig(motion_weight=0.7, colour_weight=0.9)
    # L = 2 by hand: ½(L_rec(x₀) + L_rec(x₁)) + λ·L_motion(x₀ → x₁)
    torch.manual_seed(1)
    r0, _, s0, _ = autoencode(model, head, clips[:, 0], recipe.iterations)
    r1, _, s1, m1 = autoencode(model, head, clips[:, 1], recipe.iterations, s0)
    expected = 0.9 * 0.5 * (F.mse_loss(r0, clips[:, 0]) + F.mse_loss(r1, clips[:, 1])) \
        + 0.7 * F.mse_loss(shifted_blend(clips[:, 0], flow(s0, s1), m1), clips[:, 1])
    torch.manual_seed(1)
    assert torch.allclose(clip_loss(recipe, model, head, flow, clips[:, :2]), expected, atol=1e-6)
    # three frames: the gradient of the last frame's terms reaches the initial slots through two carries
    model.zero_grad()
    clip_loss(recipe, model, head, flow, clips).backward()
    assert model.initializer.slots.grad is not None and model.initializer.slots.grad.abs().sum() > 0
    out = run_pretrain(squares, str(tmp_path / "clip3"), cfg,
                       PretrainConfig(max_steps=1, batch_frames=6, warmup_steps=1, clip_length=3), quiet=True)
    assert torch.load(out["checkpoint"])["pretrain_config"]["clip_length"] == 3
    with pytest.raises(ValueError, match="multiple of clip_length"):
        run_pretrain(squares, str(tmp_path / "bad"), cfg, PretrainConfig(max_steps=1, batch_frames=4, clip_length=3),
                     quiet=True)


def test_colour_weight_holds_through_warmup_then_anneals_to_its_final_value():
    from slotmatch_torch.recipes.pretrain import colour_weight_at

    constant = PretrainConfig(max_steps=100, warmup_steps=10, colour_weight=0.8)
    assert colour_weight_at(constant, 0) == colour_weight_at(constant, 99) == 0.8
    annealed = PretrainConfig(max_steps=110, warmup_steps=10, colour_weight=1.0, colour_weight_final=0.2)
    assert colour_weight_at(annealed, 5) == 1.0 and colour_weight_at(annealed, 10) == 1.0
    assert colour_weight_at(annealed, 60) == pytest.approx(0.6)
    assert colour_weight_at(annealed, 110) == pytest.approx(0.2)


def test_attention_evaluation_runs_the_bundle_iteration_counts(squares, monkeypatch):
    import slotmatch_torch.recipes.pretrain as pretrain

    cfg = small(iterations_first=3, iterations_next=1)
    model, head = build_model(cfg), pretrain.ColourHead(cfg.slot_dim)
    counts = []
    real = pretrain.autoencode

    def spy(model, head, frames, iterations, init=None):
        counts.append(iterations)
        return real(model, head, frames, iterations, init)

    monkeypatch.setattr(pretrain, "autoencode", spy)
    pretrain.evaluate_attention(model, head, squares, max_videos=1)
    assert counts[0] == 3 and len(counts) > 1 and set(counts[1:]) == {1}
    counts.clear()
    pretrain.evaluate_attention(model, head, squares, 2, max_videos=1)
    assert set(counts) == {2}
