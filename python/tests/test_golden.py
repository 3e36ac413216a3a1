"""The committed golden fixtures of @slotmatch/losses are exactly what ``golden`` writes today."""
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(HERE, "..", "packages", "losses", "test", "fixtures")


def run(*args):
    return subprocess.run([sys.executable, "-m", "slotmatch_torch", "golden", *args], cwd=HERE, capture_output=True, text=True)


def test_regeneration_reproduces_the_committed_fixtures(tmp_path):
    r = run("--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    written = sorted(os.listdir(tmp_path))
    committed = sorted(f for f in os.listdir(FIXTURES) if f.endswith(".json"))
    assert written == committed
    for name in written:
        with open(tmp_path / name) as a, open(os.path.join(FIXTURES, name)) as b:
            assert json.load(a) == json.load(b), f"{name} differs from the committed fixture: rerun golden"


def test_fixture_values_are_the_losses_of_the_stored_inputs(tmp_path):
    # Decoding the stored float32 inputs and re-running the loss gives the stored value (inputs are exact).
    import base64

    import numpy as np
    import torch

    from slotmatch_torch.losses import slot_contrast_loss

    with open(os.path.join(FIXTURES, "slotContrastLoss.json")) as f:
        doc = json.load(f)
    enc = doc["inputs"]["slots"]
    slots = torch.from_numpy(np.frombuffer(base64.b64decode(enc["data"]), dtype="<f4").reshape(enc["dims"]).astype("f8"))
    assert enc["dims"] == [64, 4, 11, 64]
    assert slot_contrast_loss(slots, doc["options"]["temperature"]).item() == pytest.approx(doc["value"], rel=1e-14)


def test_unknown_case_and_bad_out_exit_1(tmp_path):
    r = run("--out", str(tmp_path), "--only", "nope")
    assert r.returncode == 1 and "unknown case(s) nope" in r.stderr
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run("--out", str(blocker / "sub"))
    assert r.returncode == 1 and "cannot create the output folder" in r.stderr
    assert os.listdir(tmp_path) == ["file"]
