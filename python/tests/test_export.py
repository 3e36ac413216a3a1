"""export: ONNX graphs that pass onnx.checker with the manifest's I/O names and dims, a complete model.json,
atomic writes, and (when node + onnxruntime-node are installed) the same numbers as the torch forward."""
import json
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import onnx
import pytest
import torch

from slotmatch_torch.bundle import export_bundle, manifest_for
from slotmatch_torch.checkpoint import save_model_checkpoint
from slotmatch_torch.config import tiny_student, tiny_teacher
from slotmatch_torch.models import build_model

HERE = pathlib.Path(__file__).resolve().parents[1]
REPO = HERE.parent
torch.set_num_threads(1)


def io_of(path):
    g = onnx.load(str(path)).graph
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]  # noqa: E731
    return [(v.name, dims(v)) for v in g.input], [(v.name, dims(v)) for v in g.output], g


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    torch.manual_seed(0)
    model = build_model(tiny_teacher()).eval()
    out = export_bundle(model, tmp_path_factory.mktemp("b") / "tiny", name="tiny", role="teacher", source="test",
                        seed=0, with_reconstruction=True)
    return model, out


def test_graphs_pass_the_checker_with_the_contract_io(bundle):
    model, out = bundle
    cfg = model.config
    p, d, k, s = cfg.num_patches, cfg.feature_dim, cfg.num_slots, cfg.slot_dim
    assert sorted(x.name for x in out.iterdir()) == ["encoder.onnx", "first.onnx", "model.json", "next.onnx"]
    enc_in, enc_out, g = io_of(out / "encoder.onnx")
    assert enc_in == [("pixels", ["batch", 3, 32, 40])] and enc_out == [("features", ["batch", p, d])]
    assert all(op.domain in ("", "ai.onnx") and op.version == 17 for op in onnx.load(str(out / "encoder.onnx")).opset_import)
    step_out = [("slots", ["batch", k, s]), ("masks", ["batch", k, p]), ("attention", ["batch", k, p]),
                ("next_init", ["batch", k, s]), ("reconstruction", ["batch", p, d])]
    first_in, first_out, g1 = io_of(out / "first.onnx")
    assert first_in == [("features", ["batch", p, d])] and first_out == step_out
    next_in, next_out, g2 = io_of(out / "next.onnx")
    assert next_in == [("features", ["batch", p, d]), ("init", ["batch", k, s])] and next_out == step_out
    for name in ("encoder", "first", "next"):
        onnx.checker.check_model(onnx.load(str(out / f"{name}.onnx")), full_check=True)
    ops1 = {n.op_type for n in g1.node}
    assert {"Sigmoid", "Tanh"} <= ops1 and not ({"GRU", "Loop", "Scan", "If"} & ops1)  # GRU written out, unrolled
    # unrolled: 3 iterations in first, 2 in next → softmaxes = slot-attention iterations + predictor heads' one
    assert sum(n.op_type == "Softmax" for n in g1.node) - sum(n.op_type == "Softmax" for n in g2.node) == 1
    assert not any(n.op_type == "Resize" for n in g.node)  # position embedding baked


def test_manifest_has_every_field(bundle):
    model, out = bundle
    m = json.loads((out / "model.json").read_text())
    assert m["format"] == "slotmatch-bundle" and m["formatVersion"] == 1 and m["architecture"] == "slotcontrast"
    assert m["input"] == {"height": 32, "width": 40, "channelOrder": "rgb", "valueRange": [0, 1],
                          "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "resize": "bicubic"}
    assert m["tokens"] == {"gridHeight": 4, "gridWidth": 5, "dim": 32}
    assert m["slots"] == {"count": 4, "dim": 16, "iterationsFirst": 3, "iterationsNext": 2}
    assert m["graphs"]["next"] == {"file": "next.onnx", "inputs": ["features", "init"],
                                   "outputs": ["slots", "masks", "attention", "next_init", "reconstruction"]}
    assert m["parameters"] == model.parameter_counts()
    prov = m["provenance"]
    assert prov["source"] == "test" and prov["seed"] == 0 and prov["trainingCommand"] is None
    assert prov["converter"].startswith("slotmatch_torch ")


def test_bad_names_and_existing_folders_are_refused(tmp_path, bundle):
    model, out = bundle
    with pytest.raises(ValueError, match="bundle name"):
        manifest_for(model, name="has space", role="teacher", source="x")
    with pytest.raises(ValueError, match="role"):
        manifest_for(model, name="ok", role="oracle", source="x")
    with pytest.raises(FileExistsError):
        export_bundle(model, out, name="tiny", role="teacher", source="x")


def test_a_failed_export_leaves_nothing(tmp_path):
    model = build_model(tiny_student())
    model.decoder.module.pos_emb = torch.nn.Parameter(torch.zeros(1, 1, 7, 16))  # breaks the decoder broadcast
    with pytest.raises(Exception):
        export_bundle(model, tmp_path / "broken", name="broken", role="student", source="x")
    assert list(tmp_path.iterdir()) == []


def test_export_cli_from_a_checkpoint(tmp_path):
    model = build_model(tiny_student())
    ckpt = save_model_checkpoint(model, tmp_path / "student.pt", role="student", seed=9,
                                 training_command="python3 -m slotmatch_torch distill ...")
    r = subprocess.run([sys.executable, "-m", "slotmatch_torch", "export", str(ckpt), "--out", str(tmp_path / "b")],
                       cwd=HERE, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    m = json.loads((tmp_path / "b" / "model.json").read_text())
    assert (m["name"], m["role"], m["provenance"]["seed"]) == ("student", "student", 9)
    assert m["provenance"]["source"] == "trained here"
    assert m["provenance"]["trainingCommand"].startswith("python3 -m slotmatch_torch distill")
    r = subprocess.run([sys.executable, "-m", "slotmatch_torch", "export", str(tmp_path / "missing.pt"), "--out",
                        str(tmp_path / "c")], cwd=HERE, capture_output=True, text=True)
    assert r.returncode == 1 and "no such checkpoint file" in r.stderr and not (tmp_path / "c").exists()


NODE_SCRIPT = r"""
const ort = require(process.argv[2]);
const fs = require('fs');
const dir = process.argv[3];
const inp = JSON.parse(fs.readFileSync(dir + '/inputs.json', 'utf8'));
const t = (a) => new ort.Tensor('float32', Float32Array.from(a.data), a.dims);
(async () => {
  const enc = await ort.InferenceSession.create(dir + '/bundle/encoder.onnx');
  const first = await ort.InferenceSession.create(dir + '/bundle/first.onnx');
  const next = await ort.InferenceSession.create(dir + '/bundle/next.onnx');
  const out = [];
  const feats = (await enc.run({ pixels: t(inp.pixels) })).features;
  const [n, p, d] = feats.dims;
  const b = inp.batch, frames = n / b;
  let init = null;
  for (let f = 0; f < frames; f++) {
    const sl = new Float32Array(b * p * d);
    for (let i = 0; i < b; i++) sl.set(feats.data.subarray((i * frames + f) * p * d, (i * frames + f + 1) * p * d), i * p * d);
    const x = new ort.Tensor('float32', sl, [b, p, d]);
    const r = init ? await next.run({ features: x, init }) : await first.run({ features: x });
    out.push({ slots: Array.from(r.slots.data), masks: Array.from(r.masks.data), attention: Array.from(r.attention.data) });
    init = r.next_init;
  }
  fs.writeFileSync(dir + '/outputs.json', JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def test_onnxruntime_node_reproduces_the_torch_forward_with_batch_3(tmp_path):
    ort = REPO / "node_modules" / "onnxruntime-node"
    node = shutil.which("node")
    if node is None or not ort.is_dir():
        pytest.skip("node or node_modules/onnxruntime-node not installed")
    torch.manual_seed(4)
    model = build_model(tiny_student()).eval()
    export_bundle(model, tmp_path / "bundle", name="s", role="student", source="test")
    b, t = 3, 4
    video = torch.randn(b, t, 3, 32, 40)
    with torch.no_grad():
        ref = model(video)
    (tmp_path / "inputs.json").write_text(json.dumps({"batch": b, "pixels": {
        "dims": [b * t, 3, 32, 40], "data": video.flatten(0, 1).flatten().tolist()}}))
    (tmp_path / "run.js").write_text(NODE_SCRIPT)
    r = subprocess.run([node, str(tmp_path / "run.js"), str(ort), str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    got = json.loads((tmp_path / "outputs.json").read_text())
    for f, frame in enumerate(got):
        for key in ("slots", "masks", "attention"):
            np.testing.assert_allclose(np.array(frame[key]).reshape(ref[key][:, f].shape), ref[key][:, f].numpy(),
                                       atol=1e-4, rtol=0)


def test_a_train_run_folder_exports_under_its_name(tmp_path):
    sys.path.insert(0, str(HERE / "tests"))
    from davis_squares import write_squares

    from slotmatch_torch.train import RunOptions, TrainConfig, run_training

    write_squares(tmp_path / "data", videos=2, frames=4)
    run_training("teacher", str(tmp_path / "data"), str(tmp_path / "my-run"), tiny_teacher(),
                 TrainConfig(max_steps=1, batch_size=2, warmup_steps=1), RunOptions())
    r = subprocess.run([sys.executable, "-m", "slotmatch_torch", "export", str(tmp_path / "my-run" / "checkpoint.pt"),
                        "--out", str(tmp_path / "bundle")], cwd=HERE, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    m = json.loads((tmp_path / "bundle" / "model.json").read_text())
    assert (m["name"], m["role"], m["provenance"]["source"]) == ("my-run", "teacher", "trained here")


def test_export_cli_random_init_with_a_card(tmp_path):
    (tmp_path / "card.json").write_text(json.dumps({"fps": {"cpu": 12.5}}))
    r = subprocess.run([sys.executable, "-m", "slotmatch_torch", "export", "--random-init", "tiny-student", "--seed", "3",
                        "--out", str(tmp_path / "b"), "--card", str(tmp_path / "card.json")], cwd=HERE,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    m = json.loads((tmp_path / "b" / "model.json").read_text())
    assert (m["name"], m["role"], m["provenance"]["seed"], m["card"]) == ("tiny-student", "student", 3, {"fps": {"cpu": 12.5}})
    (tmp_path / "bad.json").write_text("[1, 2]")
    r = subprocess.run([sys.executable, "-m", "slotmatch_torch", "export", "--random-init", "tiny-student",
                        "--out", str(tmp_path / "c"), "--card", str(tmp_path / "bad.json")], cwd=HERE,
                       capture_output=True, text=True)
    assert r.returncode == 1 and "must hold a JSON object" in r.stderr and not (tmp_path / "c").exists()
