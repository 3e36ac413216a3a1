"""End-to-end trainer tests on tiny models and a tiny DAVIS-layout folder of moving squares."""
import json
import os
import subprocess
import sys

import pytest
import torch

from davis_squares import write_squares
from slotmatch_torch.config import tiny_student, tiny_teacher
from slotmatch_torch.data import ClipDataset
from slotmatch_torch.models import build_model
from slotmatch_torch.train import (
    RunOptions,
    TrainConfig,
    TrainingError,
    load_checkpoint,
    run_training,
    student_losses,
    teacher_losses,
    teacher_slots,
)

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUIET = dict(quiet=True, log_every=1)
# Frozen random backbones, as the official recipe freezes DINOv2 (the reconstruction target then stays put).
TEACHER = tiny_teacher().replace(trainable_backbone=False)
STUDENT = tiny_student().replace(trainable_backbone=False)
FAST = dict(batch_size=2, warmup_steps=0, lr=2e-3)


def read_log(run_dir):
    with open(os.path.join(run_dir, "log.jsonl")) as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="module")
def squares(tmp_path_factory):
    return write_squares(str(tmp_path_factory.mktemp("squares")), videos=3, frames=8)


@pytest.fixture(scope="module")
def one_clip(tmp_path_factory):
    """One 4-frame video, no flips: every batch is the same fixed batch."""
    return write_squares(str(tmp_path_factory.mktemp("one_clip")), videos=1, frames=4, seed=3)


@pytest.fixture(scope="module")
def teacher_run(squares, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("teacher"))
    run_training("teacher", squares, out, TEACHER, TrainConfig(max_steps=4, **FAST), RunOptions(**QUIET))
    return out


def fixed_batch(root, cfg):
    return ClipDataset(root, batch_size=2, length=4, flip_prob=0.0).batch(0, (cfg.image_height, cfg.image_width))


def initial_model(cfg, seed):
    torch.manual_seed(seed)
    return build_model(cfg)


def test_teacher_loss_decreases_on_a_fixed_batch(one_clip, tmp_path):
    cfg = TEACHER
    recipe = TrainConfig(max_steps=15, flip_prob=0.0, seed=5, **FAST)
    summary = run_training("teacher", one_clip, str(tmp_path), cfg, recipe, RunOptions(**QUIET))
    assert summary["finished"] and summary["step"] == 15
    video = fixed_batch(one_clip, cfg)
    trained = build_model(cfg)
    trained.load_state_dict(load_checkpoint(summary["checkpoint"])["state_dict"])
    with torch.no_grad():
        before = teacher_losses(initial_model(cfg, 5), video, 0.5, 0.1)
        after = teacher_losses(trained, video, 0.5, 0.1)
    assert after["loss"] < 0.8 * before["loss"], (before, after)
    records = [r for r in read_log(str(tmp_path)) if r["type"] == "train"]
    assert [r["step"] for r in records] == list(range(1, 16))
    assert all({"loss", "rec", "contrast", "lr", "grad_norm", "elapsed"} <= set(r) for r in records)


def test_student_distils_and_its_loss_decreases_on_a_fixed_batch(one_clip, teacher_run, tmp_path):
    cfg = STUDENT
    recipe = TrainConfig(max_steps=15, flip_prob=0.0, seed=6, **FAST)
    teacher_ckpt = os.path.join(teacher_run, "checkpoint.pt")
    summary = run_training("student", one_clip, str(tmp_path), cfg, recipe, RunOptions(**QUIET), teacher=teacher_ckpt)
    data = load_checkpoint(summary["checkpoint"])
    assert data["kind"] == "student" and data["teacher"]["model_config"] == TEACHER.to_dict()
    teacher = build_model(TEACHER)
    teacher.load_state_dict(load_checkpoint(teacher_ckpt)["state_dict"])
    trained = build_model(cfg)
    trained.load_state_dict(data["state_dict"])
    video = fixed_batch(one_clip, cfg)
    target = teacher_slots(teacher, video)
    with torch.no_grad():
        before = student_losses(initial_model(cfg, 6), video, target, 0.5, 1.0, 0.1)
        after = student_losses(trained, video, target, 0.5, 1.0, 0.1)
    assert after["loss"] < 0.8 * before["loss"], (before, after)
    assert after["kd"] < before["kd"]
    # the teacher stayed frozen: its checkpoint weights are what it produced
    assert all(r.get("kd") is not None for r in read_log(str(tmp_path)) if r["type"] == "train")


def test_kd_term_is_zero_when_student_slots_equal_the_teacher_slots(squares, tmp_path):
    # One step at warm-up factor 0 (lr 0) leaves the weights at their seeded initialisation, so the teacher
    # checkpoint holds exactly the model the student starts from with the same config and seed.
    cfg = STUDENT
    teacher_dir, student_dir = str(tmp_path / "t"), str(tmp_path / "s")
    run_training("teacher", squares, teacher_dir, cfg, TrainConfig(max_steps=1, batch_size=2, warmup_steps=1, decay_steps=2, seed=9),
                 RunOptions(**QUIET))
    assert torch.equal(load_checkpoint(os.path.join(teacher_dir, "checkpoint.pt"))["state_dict"]["initializer.slots"],
                       initial_model(cfg, 9).state_dict()["initializer.slots"])
    run_training("student", squares, student_dir, cfg, TrainConfig(max_steps=1, batch_size=2, seed=9),
                 RunOptions(**QUIET), teacher=os.path.join(teacher_dir, "checkpoint.pt"))
    first = [r for r in read_log(student_dir) if r["type"] == "train"][0]
    assert abs(first["kd"]) < 1e-6
    # a different seed gives a different student: the same term is clearly positive
    other = str(tmp_path / "other")
    run_training("student", squares, other, cfg, TrainConfig(max_steps=1, batch_size=2, seed=10),
                 RunOptions(**QUIET), teacher=os.path.join(teacher_dir, "checkpoint.pt"))
    assert [r for r in read_log(other) if r["type"] == "train"][0]["kd"] > 0.05


def _states_equal(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _optimizer_equal(a, b):
    sa, sb = a["state"], b["state"]
    return sa.keys() == sb.keys() and all(
        all(torch.equal(torch.as_tensor(sa[i][k]), torch.as_tensor(sb[i][k])) for k in sa[i]) for i in sa
    )


@pytest.mark.parametrize("kind", ["teacher", "student"])
def test_resume_after_interruption_is_bit_identical(kind, squares, teacher_run, tmp_path):
    cfg = TEACHER if kind == "teacher" else STUDENT
    teacher = os.path.join(teacher_run, "checkpoint.pt") if kind == "student" else None
    recipe = TrainConfig(max_steps=7, batch_size=2, warmup_steps=2, lr=1e-3, flip_prob=0.5, seed=4)
    whole, parts = str(tmp_path / "whole"), str(tmp_path / "parts")
    run_training(kind, squares, whole, cfg, recipe, RunOptions(**QUIET), teacher=teacher)
    first = run_training(kind, squares, parts, cfg, recipe, RunOptions(stop_after=3, **QUIET), teacher=teacher)
    assert first["step"] == 3 and not first["finished"] and first["stopped_by"] == "stop_after"
    # pretend the process died after logging two more steps that never reached a checkpoint
    with open(os.path.join(parts, "log.jsonl"), "a") as handle:
        handle.write(json.dumps({"type": "train", "step": 4, "loss": 9}) + "\n" + '{"type": "tra')
    torch.manual_seed(12345)  # a resumed process starts from an unrelated RNG state
    second = run_training(kind, squares, parts, None, None, RunOptions(**QUIET), teacher=teacher)
    assert second["step"] == 7 and second["finished"]
    a = load_checkpoint(os.path.join(whole, "checkpoint.pt"))
    b = load_checkpoint(os.path.join(parts, "checkpoint.pt"))
    assert _states_equal(a["state_dict"], b["state_dict"])
    assert _optimizer_equal(a["optimizer"], b["optimizer"])
    assert torch.equal(a["rng"]["torch"], b["rng"]["torch"])
    train_a = [(r["step"], r["loss"]) for r in read_log(whole) if r["type"] == "train"]
    train_b = [(r["step"], r["loss"]) for r in read_log(parts) if r["type"] == "train"]
    assert train_a == train_b  # the orphan step-4 record and the cut line were dropped on resume


def test_resume_refuses_a_changed_recipe_or_kind(squares, tmp_path):
    out = str(tmp_path)
    run_training("teacher", squares, out, TEACHER, {"max_steps": 2, "batch_size": 2}, RunOptions(**QUIET))
    with pytest.raises(TrainingError, match="lr"):
        run_training("teacher", squares, out, None, {"lr": 1e-2}, RunOptions(**QUIET))
    with pytest.raises(TrainingError, match="num_slots"):
        run_training("teacher", squares, out, TEACHER.replace(num_slots=5), None, RunOptions(**QUIET))
    with pytest.raises(TrainingError, match="teacher run"):
        run_training("student", squares, out, None, None, RunOptions(**QUIET))
    # repeating the stored recipe is fine (and a finished run stays finished)
    again = run_training("teacher", squares, out, TEACHER, {"max_steps": 2, "batch_size": 2}, RunOptions(**QUIET))
    assert again["step"] == 2 and again["finished"]


def test_checkpoint_rebuilds_the_model(teacher_run):
    data = load_checkpoint(os.path.join(teacher_run, "checkpoint.pt"))
    from slotmatch_torch.config import ModelConfig

    model = build_model(ModelConfig.from_dict(data["model_config"]))
    model.load_state_dict(data["state_dict"])  # strict: every key, every shape
    assert data["step"] == 4 and data["train_config"]["max_steps"] == 4
    assert set(data["rng"]) == {"torch", "numpy", "python"}
    with open(os.path.join(teacher_run, "config.json")) as handle:
        assert json.load(handle)["model_config"] == data["model_config"]


def test_evaluation_during_training_logs_fg_ari_and_mbo(squares, tmp_path):
    summary = run_training("teacher", squares, str(tmp_path), TEACHER, {"max_steps": 2, "batch_size": 2},
                           RunOptions(eval_every=1, eval_data=squares, eval_frames=4, **QUIET))
    evals = [r for r in read_log(str(tmp_path)) if r["type"] == "eval"]
    assert [r["step"] for r in evals] == [1, 2]
    for r in evals:
        assert r["videos"] == 3 and r["videos_with_objects"] == 3
        assert -1.0 <= r["video_fg_ari"] <= 1.0 and 0.0 < r["video_mbo"] <= 1.0
    assert summary["eval"]["video_mbo"] == evals[-1]["video_mbo"]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "slotmatch_torch", *args], cwd=PYTHON_DIR, capture_output=True,
                          text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})


def test_cli_trains_resumes_and_distils(squares, tmp_path):
    teacher = str(tmp_path / "teacher")
    common = ["--data", squares, "--batch-size", "2", "--max-steps", "3", "--threads", "1", "--log-every", "1"]
    r = cli("train", *common, "--out", teacher, "--config", "tiny-teacher", "--stop-after", "2")
    assert r.returncode == 0, r.stderr
    assert "[teacher] step 2/3" in r.stderr and load_checkpoint(os.path.join(teacher, "checkpoint.pt"))["step"] == 2
    r = cli("train", *common, "--out", teacher)
    assert r.returncode == 0, r.stderr
    assert "resuming at step 2/3" in r.stderr
    ckpt = os.path.join(teacher, "checkpoint.pt")
    assert load_checkpoint(ckpt)["step"] == 3
    student = str(tmp_path / "student")
    r = cli("distill", *common, "--out", student, "--teacher", ckpt, "--config", "tiny-student", "--set", "num_slots=3")
    assert r.returncode == 1 and "same K" in r.stderr and not os.path.exists(student)
    r = cli("distill", *common, "--out", student, "--teacher", ckpt, "--config", "tiny-student",
            "--eval-data", squares, "--eval-frames", "4")
    assert r.returncode == 0, r.stderr
    data = load_checkpoint(os.path.join(student, "checkpoint.pt"))
    assert data["kind"] == "student" and data["step"] == 3 and data["metrics"]["videos"] == 3
    assert data["training_command"].startswith("python3 -m slotmatch_torch distill --data")


def test_cli_names_an_unreadable_frame_and_writes_nothing(tmp_path):
    data = write_squares(str(tmp_path / "data"), videos=2, frames=4)
    bad = os.path.join(data, "JPEGImages", "video1", "00003.png")
    with open(bad, "wb") as handle:
        handle.write(b"\x89PNG broken")
    out = str(tmp_path / "run")
    r = cli("train", "--data", data, "--out", out, "--config", "tiny-teacher", "--max-steps", "1", "--batch-size", "2")
    assert r.returncode == 1
    assert bad in r.stderr and "unreadable frame" in r.stderr
    assert not os.path.exists(out)


def test_cli_help_documents_every_option():
    for command, must in (("train", ["--data", "--out", "--config", "--seed", "--threads", "--max-steps", "--eval-every"]),
                          ("distill", ["--teacher", "--beta", "--kd-correspondence", "--kd-projection"])):
        r = cli(command, "--help")
        assert r.returncode == 0
        for option in must:
            assert option in r.stdout


SIGNAL_RECIPE = {"max_steps": 40, "batch_size": 2, "warmup_steps": 3, "lr": 1e-3, "seed": 2}


@pytest.fixture(scope="module")
def uninterrupted(squares, tmp_path_factory):
    whole = str(tmp_path_factory.mktemp("whole"))
    run_training("teacher", squares, whole, TEACHER, dict(SIGNAL_RECIPE), RunOptions(**QUIET))
    return whole


@pytest.mark.parametrize("how", ["SIGINT", "SIGKILL"])
def test_cli_interrupted_by_a_signal_resumes_bit_identically(how, squares, uninterrupted, tmp_path):
    """SIGINT: the current step finishes, a checkpoint is written, exit 130. SIGKILL: the process dies at once
    and the run continues from its last periodic checkpoint. Either way the end equals an uninterrupted run."""
    import signal

    recipe, whole = SIGNAL_RECIPE, uninterrupted
    cut = str(tmp_path / "cut")
    args = [sys.executable, "-m", "slotmatch_torch", "train", "--data", squares, "--out", cut, "--config",
            json.dumps(TEACHER.to_dict()), "--recipe", json.dumps(recipe), "--log-every", "1", "--checkpoint-every", "4",
            "--threads", "1"]
    proc = subprocess.Popen(args, cwd=PYTHON_DIR, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "OMP_NUM_THREADS": "1"})
    for line in proc.stderr:
        if "step 9/40" in line:
            break
    proc.send_signal(getattr(signal, how))
    rest = proc.stderr.read()
    code = proc.wait(timeout=60)
    step = load_checkpoint(os.path.join(cut, "checkpoint.pt"))["step"]
    if how == "SIGINT":
        assert code == 130 and "stopped at step" in rest
        assert 9 <= step < 40
    else:
        assert code == -signal.SIGKILL
        assert step % 4 == 0 and 8 <= step < 40  # the last periodic checkpoint before the kill
    resumed = run_training("teacher", squares, cut, None, None, RunOptions(**QUIET))
    assert resumed["step"] == 40
    a = load_checkpoint(os.path.join(whole, "checkpoint.pt"))
    b = load_checkpoint(os.path.join(cut, "checkpoint.pt"))
    assert _states_equal(a["state_dict"], b["state_dict"]) and _optimizer_equal(a["optimizer"], b["optimizer"])
    steps = [r["step"] for r in read_log(cut) if r["type"] == "train"]
    assert steps == list(range(1, 41))  # no duplicates from the steps redone after the checkpoint


def test_distils_from_an_official_checkpoint_with_hungarian_pairing_and_a_projection(squares, tmp_path):
    from slotmatch_torch.checkpoint import save_official_checkpoint

    torch.manual_seed(0)
    square = TEACHER.replace(image_width=32)  # an official checkpoint gives its grid only through P: square
    official = str(save_official_checkpoint(build_model(square), tmp_path / "official.ckpt"))
    narrow = STUDENT.replace(slot_dim=8)  # S = 8 against the teacher's 16: a learned projection is needed
    out = str(tmp_path / "s")
    recipe = TrainConfig(max_steps=2, batch_size=2, warmup_steps=0, kd_correspondence="hungarian")
    summary = run_training("student", squares, out, narrow, recipe, RunOptions(**QUIET), teacher=official)
    data = load_checkpoint(summary["checkpoint"])
    assert data["teacher"]["role"] == "teacher" and data["teacher"]["model_config"]["slot_dim"] == 16
    assert data["projection"]["weight"].shape == (16, 8)
    with pytest.raises(TrainingError, match="kd_projection"):
        run_training("student", squares, str(tmp_path / "none"), narrow, {"kd_projection": "none", "max_steps": 1},
                     RunOptions(**QUIET), teacher=official)


def test_resuming_a_student_with_another_teacher_file_is_refused(squares, teacher_run, tmp_path):
    out = str(tmp_path / "s")
    ckpt = os.path.join(teacher_run, "checkpoint.pt")
    run_training("student", squares, out, STUDENT, {"max_steps": 2, "batch_size": 2}, RunOptions(stop_after=1, **QUIET),
                 teacher=ckpt)
    other = str(tmp_path / "other.pt")
    data = load_checkpoint(ckpt)
    data["state_dict"]["initializer.slots"] += 1.0
    torch.save(data, other)
    with pytest.raises(TrainingError, match="another file"):
        run_training("student", squares, out, None, None, RunOptions(**QUIET), teacher=other)
    assert run_training("student", squares, out, None, None, RunOptions(**QUIET))["step"] == 2  # stored teacher path


def test_a_trained_checkpoint_exports_as_a_bundle(squares, tmp_path):
    from slotmatch_torch.cli import export

    run = str(tmp_path / "run")
    r = cli("train", "--data", squares, "--out", run, "--config", "tiny-student", "--max-steps", "1", "--batch-size", "2",
            "--seed", "3", "--quiet")
    assert r.returncode == 0, r.stderr
    bundle = str(tmp_path / "bundle")
    assert export.main([os.path.join(run, "checkpoint.pt"), "--out", bundle, "--name", "tiny"]) == 0
    with open(os.path.join(bundle, "model.json")) as handle:
        manifest = json.load(handle)
    assert manifest["role"] == "teacher" and manifest["provenance"]["seed"] == 3
    assert manifest["provenance"]["trainingCommand"].startswith("python3 -m slotmatch_torch train --data")
    assert manifest["slots"]["count"] == STUDENT.num_slots


def test_init_from_copies_the_chosen_weights_and_refuses_other_shapes(squares, teacher_run, tmp_path):
    source = os.path.join(teacher_run, "checkpoint.pt")
    out = str(tmp_path / "init")
    # lr factor 0 at step 0: after one step the weights are exactly the initialisation
    recipe = {"max_steps": 1, "batch_size": 2, "warmup_steps": 1, "decay_steps": 2, "seed": 1,
              "init_from": source, "init_keys": ["encoder.module.backbone."]}
    run_training("teacher", squares, out, TEACHER, recipe, RunOptions(**QUIET))
    got = load_checkpoint(os.path.join(out, "checkpoint.pt"))["state_dict"]
    want = load_checkpoint(source)["state_dict"]
    backbone = [k for k in want if k.startswith("encoder.module.backbone.")]
    assert backbone and all(torch.equal(got[k], want[k]) for k in backbone)
    assert not torch.equal(got["initializer.slots"], want["initializer.slots"])  # outside the prefix: seeded init
    from slotmatch_torch.checkpoint import CheckpointError

    with pytest.raises(CheckpointError, match="other shapes"):
        run_training("teacher", squares, str(tmp_path / "bad"), TEACHER.replace(slot_dim=8), {**recipe, "init_keys": []},
                     RunOptions(**QUIET))


def test_cli_distill_without_config_needs_a_teacher_the_default_student_shrinks(squares, teacher_run, tmp_path):
    out = str(tmp_path / "s")
    r = cli("distill", "--data", squares, "--out", out, "--teacher", os.path.join(teacher_run, "checkpoint.pt"))
    assert r.returncode == 1 and "give the student's --config" in r.stderr and not os.path.exists(out)


def test_resuming_a_finished_run_leaves_its_checkpoint_byte_identical(squares, teacher_run):
    from slotmatch_torch.train.checkpoint import file_sha256

    ckpt = os.path.join(teacher_run, "checkpoint.pt")
    before = file_sha256(ckpt)
    summary = run_training("teacher", squares, teacher_run, None, None, RunOptions(**QUIET))
    assert summary["finished"]
    assert file_sha256(ckpt) == before
