"""Fixture writers: discovery, reproducibility, and the contracts the TypeScript tests read."""
import json
import pathlib
import subprocess
import sys

import numpy as np
import torch

from slotmatch_torch.fixture_writers import discover
from slotmatch_torch.fixture_writers.encoding import decode_tensor, encode_tensor

HERE = pathlib.Path(__file__).resolve().parents[1]


def test_discovery_finds_the_writers():
    writers = discover()
    assert {"core-forward", "runtime"} <= set(writers)
    assert all(callable(m.write) for m in writers.values())


def test_tensor_encoding_round_trips():
    for arr in [np.arange(6, dtype=np.float32).reshape(2, 3), np.array([1.5], dtype=np.float64),
                np.array([[1, -2]], dtype=np.int64)]:
        enc = encode_tensor(arr)
        assert enc["dims"] == list(arr.shape)
        np.testing.assert_array_equal(decode_tensor(enc), arr)
    assert encode_tensor(torch.ones(2))["dtype"] == "float32"


def test_core_forward_is_reproducible_and_complete(tmp_path):
    from slotmatch_torch.fixture_writers import core_forward

    a = core_forward.write(tmp_path / "a")[0]
    b = core_forward.write(tmp_path / "b")[0]
    assert a.read_bytes() == b.read_bytes()
    data = json.loads(a.read_text())
    cfg = data["config"]
    assert {k: cfg[k] for k in ("K", "S", "D", "gridHeight", "gridWidth")} == {"K": 4, "S": 16, "D": 32, "gridHeight": 4, "gridWidth": 4}
    assert not any(k.startswith("encoder.module.backbone.") for k in data["weights"])
    assert "initializer.slots" in data["weights"] and "decoder.module.pos_emb" in data["weights"]
    assert decode_tensor(data["features"]).shape == (2, 3, 16, 32)
    shapes = {k: decode_tensor(v).shape for k, v in data["outputs"].items()}
    assert shapes == {"slots": (2, 3, 4, 16), "attention": (2, 3, 4, 16), "masks": (2, 3, 4, 16),
                      "next_init": (2, 3, 4, 16), "reconstruction": (2, 3, 16, 32)}
    masks = decode_tensor(data["outputs"]["masks"])
    np.testing.assert_allclose(masks.sum(2), 1, atol=1e-5)
    assert masks.max() > 0.5  # far from uniform, so the fixture discriminates


def test_core_forward_outputs_recomputed_from_the_stored_weights(tmp_path):
    """Loading the fixture's weights into a fresh model reproduces its outputs (weights and outputs agree)."""
    from slotmatch_torch.fixture_writers import core_forward
    from slotmatch_torch.models import build_model

    data = json.loads(core_forward.write(tmp_path)[0].read_text())
    model = build_model(core_forward.fixture_config()).eval()
    state = model.state_dict()
    state.update({k: torch.from_numpy(decode_tensor(v).copy()) for k, v in data["weights"].items()})
    model.load_state_dict(state)
    with torch.no_grad():
        out = model.forward_features(torch.from_numpy(decode_tensor(data["features"]).copy()))
    for key, enc in data["outputs"].items():
        np.testing.assert_allclose(out[key].numpy(), decode_tensor(enc), atol=1e-6)


def test_fixtures_cli_lists_and_refuses_unknown_names():
    r = subprocess.run([sys.executable, "-m", "slotmatch_torch", "fixtures", "--list"], cwd=HERE, capture_output=True, text=True)
    assert r.returncode == 0 and "core-forward" in r.stdout
    r = subprocess.run([sys.executable, "-m", "slotmatch_torch", "fixtures", "--only", "nope"], cwd=HERE, capture_output=True, text=True)
    assert r.returncode == 2 and "invalid choice" in r.stderr


def test_runtime_fixtures_are_reproducible_and_follow_the_parity_contract(tmp_path):
    from slotmatch_torch.fixture_writers import runtime

    first = runtime.write(tmp_path / "a")
    second = runtime.write(tmp_path / "b")
    rel = [p.relative_to(tmp_path / "a") for p in first]
    for r in rel:
        a, b = tmp_path / "a" / r, tmp_path / "b" / r
        files = sorted(x.name for x in a.iterdir()) if a.is_dir() else [None]
        for name in files:
            fa, fb = (a / name, b / name) if name else (a, b)
            assert fa.read_bytes() == fb.read_bytes(), fa
    root = tmp_path / "a" / runtime.RELATIVE_DIR
    assert sorted(p.name for p in (root / "tiny-teacher").iterdir()) == ["encoder.onnx", "first.onnx", "model.json", "next.onnx"]
    clip = json.loads((root / "tiny-clip.json").read_text())
    frames = decode_tensor(clip["frames"])
    assert frames.shape == (runtime.T, runtime.H0, runtime.W0, 3) and frames.min() >= 0 and frames.max() <= 255
    assert np.array_equal(frames, np.round(frames))
    for key, (name, make_config, _) in runtime.MODELS.items():
        cfg = make_config()
        manifest = json.loads((root / name / "model.json").read_text())
        assert manifest["role"] == key and manifest["name"] == name
        k, s, p = cfg.num_slots, cfg.slot_dim, cfg.num_patches
        shapes = {n: decode_tensor(t).shape for n, t in clip[key].items()}
        assert shapes == {"pixels": (runtime.T, 3, cfg.image_height, cfg.image_width), "slots": (runtime.T, k, s),
                          "masks": (runtime.T, k, p), "attention": (runtime.T, k, p)}
        masks = decode_tensor(clip[key]["masks"])
        assert masks.max() > 0.5  # not a near-uniform random model
    total = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
    assert total < 1_500_000


def _assert_json_tensors_close(a, b, where=""):
    if isinstance(a, dict) and "dims" in a and "data" in a:
        np.testing.assert_allclose(decode_tensor(a), decode_tensor(b), atol=1e-5, rtol=0, err_msg=where)
    elif isinstance(a, dict):
        assert sorted(a) == sorted(b), where
        for key in a:
            _assert_json_tensors_close(a[key], b[key], f"{where}.{key}")
    else:
        assert a == b, where


def test_committed_fixtures_are_what_the_writers_produce(tmp_path):
    """The fixtures in the repository are up to date with the model code (numbers within 1e-5; ONNX bytes may
    differ between torch versions, so the bundles are compared by their manifests)."""
    from slotmatch_torch.fixture_writers import core_forward, runtime

    repo = HERE.parent
    committed = [repo / core_forward.RELATIVE_PATH, repo / runtime.RELATIVE_DIR / "tiny-clip.json"]
    if not all(p.exists() for p in committed):
        import pytest

        pytest.skip("fixtures not generated in this checkout")
    core_forward.write(tmp_path)
    runtime.write(tmp_path)
    for path in committed:
        rel = path.relative_to(repo)
        _assert_json_tensors_close(json.loads(path.read_text()), json.loads((tmp_path / rel).read_text()), str(rel))
    for name in ("tiny-teacher", "tiny-student"):
        rel = runtime.RELATIVE_DIR / name / "model.json"
        assert json.loads((repo / rel).read_text()) == json.loads((tmp_path / rel).read_text())
