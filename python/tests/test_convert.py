"""convert: official-key checkpoints round-trip into the same model and bundle; bad checkpoints are refused
with every offending key listed and a non-zero exit, and no output folder is left behind."""
import json
import pathlib
import subprocess
import sys
import types

import pytest
import torch

from slotmatch_torch.checkpoint import (CheckpointError, infer_config, load_model_checkpoint, load_official,
                                        read_checkpoint, save_model_checkpoint, save_official_checkpoint)
from slotmatch_torch.config import movi_c, movi_e, tiny_teacher, ytvis
from slotmatch_torch.models import build_model

HERE = pathlib.Path(__file__).resolve().parents[1]
torch.set_num_threads(1)


def run(*args):
    return subprocess.run([sys.executable, "-m", "slotmatch_torch", *args], cwd=HERE, capture_output=True, text=True)


@pytest.fixture(scope="module")
def square_tiny():
    torch.manual_seed(0)
    cfg = tiny_teacher().replace(image_height=32, image_width=32, trainable_backbone=False)
    return build_model(cfg).eval()


def test_round_trip_gives_the_same_model_outputs(tmp_path, square_tiny):
    ckpt = save_official_checkpoint(square_tiny, tmp_path / "movi_x.ckpt")
    model, data = load_official(ckpt, vit_heads=square_tiny.config.vit_heads)
    assert data["global_step"] == 0
    assert model.config == square_tiny.config.replace(vit_size=None, **{k: getattr(square_tiny.config, k) for k in (
        "vit_depth", "vit_width", "vit_heads", "patch_size", "vit_mlp_ratio", "layer_scale", "pos_grid")},
        adapter_hidden=64, corrector_mlp_hidden=64, predictor_hidden=64)
    video = torch.randn(2, 3, 3, 32, 32)
    with torch.no_grad():
        a, b = square_tiny(video), model(video)
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=0, atol=0)


@pytest.mark.parametrize("make", [movi_c, movi_e, ytvis])
def test_official_sizes_are_inferred_from_shapes(make):
    cfg = make()
    state = {k: torch.empty(v.shape) for k, v in build_model(cfg).state_dict().items()}
    got = infer_config(state)
    for field in ("vit_depth", "vit_width", "vit_heads", "patch_size", "pos_grid", "image_height", "image_width",
                  "num_slots", "slot_dim", "decoder_hidden", "predictor_heads", "iterations_first", "iterations_next"):
        assert getattr(got, field) == getattr(cfg, field), field
    assert (got.adapter_hidden, got.corrector_mlp_hidden, got.predictor_hidden) == (
        2 * cfg.feature_dim, 4 * cfg.slot_dim, 4 * cfg.slot_dim)


def test_missing_unexpected_and_misshaped_keys_are_all_listed(tmp_path, square_tiny):
    state = dict(square_tiny.state_dict())
    del state["processor.module.corrector.gru.bias_hh"]
    del state["decoder.module.mlp.layers.2.bias"]
    state["encoder.module.backbone.model.norm.weight"] = torch.ones(32)
    state["loss_fns.extra"] = torch.zeros(1)
    state["processor.module.corrector.to_q.weight"] = torch.zeros(16, 15)
    path = tmp_path / "bad.ckpt"
    torch.save({"state_dict": state}, path)
    with pytest.raises(CheckpointError) as err:
        load_official(path, vit_heads=4)
    text = str(err.value)
    for key in ["processor.module.corrector.gru.bias_hh", "decoder.module.mlp.layers.2.bias",
                "encoder.module.backbone.model.norm.weight", "loss_fns.extra",
                "processor.module.corrector.to_q.weight: checkpoint [16, 15] vs model [16, 16]"]:
        assert key in text
    assert "missing keys (2)" in text and "unexpected keys (2)" in text and "wrong shapes (1)" in text


def test_cli_refuses_a_bad_checkpoint_with_exit_1_and_no_output(tmp_path, square_tiny):
    state = dict(square_tiny.state_dict())
    del state["initializer.slots"]
    torch.save({"state_dict": state}, tmp_path / "bad.ckpt")
    r = run("convert", str(tmp_path / "bad.ckpt"), "--out", str(tmp_path / "out"))
    assert r.returncode == 1
    assert "missing keys" in r.stderr and "initializer.slots" in r.stderr
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.ckpt"]  # no partial folder either
    r = run("convert", str(tmp_path / "nope.ckpt"), "--out", str(tmp_path / "out"))
    assert r.returncode == 1 and "no such checkpoint file" in r.stderr
    (tmp_path / "junk.ckpt").write_text("not a checkpoint")
    r = run("convert", str(tmp_path / "junk.ckpt"), "--out", str(tmp_path / "out"))
    assert r.returncode == 1 and "not a readable PyTorch checkpoint" in r.stderr


def test_cli_converts_and_infers_the_manifest(tmp_path, square_tiny):
    ckpt = save_official_checkpoint(square_tiny, tmp_path / "movi_c.ckpt")
    r = run("convert", str(ckpt), "--out", str(tmp_path / "bundle"), "--vit-heads", "4")
    assert r.returncode == 0, r.stderr
    assert "input 32x32 (4x4 tokens), K 4, S 16" in r.stdout
    m = json.loads((tmp_path / "bundle" / "model.json").read_text())
    assert m["name"] == "slotcontrast-movi_c" and m["role"] == "teacher"
    assert m["provenance"]["source"] == "movi_c.ckpt"
    assert m["input"]["height"] == 32 and m["tokens"] == {"gridHeight": 4, "gridWidth": 4, "dim": 32}
    assert m["slots"] == {"count": 4, "dim": 16, "iterationsFirst": 3, "iterationsNext": 2}
    assert m["parameters"] == square_tiny.parameter_counts()
    r = run("convert", str(ckpt), "--out", str(tmp_path / "bundle"))
    assert r.returncode == 1 and "already exists" in r.stderr


def test_non_square_grid_needs_the_grid_option(tmp_path):
    model = build_model(tiny_teacher())
    ckpt = save_official_checkpoint(model, tmp_path / "x.ckpt")
    with pytest.raises(CheckpointError, match="not a square token grid"):
        load_official(ckpt)
    loaded, _ = load_official(ckpt, grid=(4, 5), vit_heads=4)
    assert (loaded.config.image_height, loaded.config.image_width) == (32, 40)


def test_lightning_objects_that_cannot_be_imported_are_tolerated(tmp_path, square_tiny):
    fake = types.ModuleType("fake_lightning_pkg")

    class CallbackState:
        def __init__(self, value):
            self.value = value

    CallbackState.__module__ = "fake_lightning_pkg"
    CallbackState.__qualname__ = "CallbackState"
    fake.CallbackState = CallbackState
    sys.modules["fake_lightning_pkg"] = fake
    try:
        torch.save({"state_dict": square_tiny.state_dict(), "callbacks": {"cb": CallbackState(3)}}, tmp_path / "l.ckpt")
    finally:
        del sys.modules["fake_lightning_pkg"]
    data = read_checkpoint(tmp_path / "l.ckpt")
    assert type(data["callbacks"]["cb"]).__name__ == "CallbackState"
    model, _ = load_official(tmp_path / "l.ckpt", vit_heads=4)
    assert model.parameter_counts() == square_tiny.parameter_counts()


def test_own_checkpoints_carry_their_config(tmp_path):
    model = build_model(tiny_teacher())
    path = save_model_checkpoint(model, tmp_path / "t.pt", role="teacher", seed=5, training_command="train ...")
    loaded, meta = load_model_checkpoint(path)
    assert loaded.config == model.config and meta["seed"] == 5
    for k, v in model.state_dict().items():
        assert torch.equal(v, loaded.state_dict()[k])
