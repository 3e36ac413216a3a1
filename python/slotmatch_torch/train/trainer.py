"""The training loop shared by the teacher (``train``) and the SlotMatch student (``distill``).

A run lives in one folder::

    checkpoint.pt        the latest checkpoint (see :mod:`.checkpoint`), replaced atomically
    checkpoint-<n>.pt    kept copies when ``RunOptions.keep_checkpoints``
    config.json          kind, model and training configs, teacher (written when the run starts)
    log.jsonl            one JSON object per line: "start", "train" (interval means), "eval", "stop" records

Starting in a folder that holds ``checkpoint.pt`` resumes it: model, optimiser, step, RNG states and the
elapsed time come back, ``log.jsonl`` is cut back to the checkpoint's step, and the data order needs
nothing more than the step (:mod:`slotmatch_torch.data.clips`) — so an interrupted run ends with the same
parameters, bit for bit, as an uninterrupted one. SIGINT / SIGTERM finish the current step, write a
checkpoint and stop.

One optimiser step n (0-based): lr = base_lr · factor(n) (:mod:`.schedule`), gradients of the objective
(:mod:`.objectives`), clipping of the global gradient norm to ``grad_clip`` (``clip_grad_norm_``, as
Lightning's ``gradient_clip_val``), Adam step.
"""
import json
import math
import os
import random
import signal
import sys
import time
from typing import Any, Dict, Optional, Union

import numpy as np
import torch
from torch import nn

from ..data import ClipDataset, list_videos
from .checkpoint import (
    FORMAT,
    VERSION,
    file_sha256,
    load_checkpoint,
    rng_state,
    save_atomic,
    set_rng_state,
)
from .config import RunOptions, TrainConfig
from .evaluate import evaluate_folder
from .objectives import student_losses, teacher_losses, teacher_slots
from .schedule import ExpDecayWithWarmup

CHECKPOINT = "checkpoint.pt"
LOG = "log.jsonl"
CONFIG = "config.json"
KINDS = ("teacher", "student")


class TrainingError(ValueError):
    """A run that cannot start or continue (bad configuration, mismatched resume, unusable teacher)."""


def _model_api():
    from ..config import ModelConfig
    from ..models import build_model

    return ModelConfig, build_model


def count_parameters(module: nn.Module) -> Dict[str, int]:
    params = list(module.parameters())
    return {"total": sum(p.numel() for p in params), "trainable": sum(p.numel() for p in params if p.requires_grad)}


def load_teacher(path: str):
    """(model, ModelConfig, info) of a frozen teacher: eval mode, every parameter with ``requires_grad = False``.

    ``path``: a training checkpoint of this package, any checkpoint with ``state_dict`` + ``model_config``, or an
    official SlotContrast Lightning ``.ckpt`` (configuration inferred from its shapes) — read by
    :func:`slotmatch_torch.checkpoint.load_model_checkpoint`, which refuses missing, unexpected or mis-shaped keys.
    """
    from ..checkpoint import load_model_checkpoint

    model, data = load_model_checkpoint(path)
    model.eval()
    model.requires_grad_(False)
    cfg = model.config
    info = {"path": os.path.abspath(path), "sha256": file_sha256(path),
            "role": data.get("role") or data.get("kind") or "teacher",
            "step": int(data.get("step", data.get("global_step", 0)) or 0), "model_config": cfg.to_dict()}
    return model, cfg, info


def initialise_from(model: nn.Module, path: str, prefixes=()) -> Dict[str, Any]:
    """Copy into ``model`` the weights of checkpoint ``path`` whose names it shares (restricted to names starting
    with one of ``prefixes`` when given): e.g. a backbone pre-trained elsewhere. Shapes must agree; at least one
    weight must be copied. Returns {"path", "sha256", "loaded": count, "groups": {top-level module: count}}."""
    from ..checkpoint import CheckpointError, read_checkpoint, state_dict_of

    state = state_dict_of(read_checkpoint(path), path)
    own = model.state_dict()
    chosen = {k: v for k, v in state.items() if k in own and (not prefixes or any(k.startswith(p) for p in prefixes))}
    wrong = sorted(f"{k}: checkpoint {list(v.shape)} vs model {list(own[k].shape)}"
                   for k, v in chosen.items() if tuple(v.shape) != tuple(own[k].shape))
    if wrong:
        raise CheckpointError(f"{path}: weights with other shapes than the model's: {wrong}")
    if not chosen:
        raise CheckpointError(f"{path}: no weight matches the model{' under ' + str(list(prefixes)) if prefixes else ''}")
    with torch.no_grad():
        for k, v in chosen.items():
            own[k].copy_(v)
    groups: Dict[str, int] = {}
    for k in chosen:
        top = ".".join(k.split(".")[:3]) if k.startswith(("encoder.", "processor.", "decoder.")) else k.split(".")[0]
        groups[top] = groups.get(top, 0) + 1
    return {"path": os.path.abspath(path), "sha256": file_sha256(path), "loaded": len(chosen), "groups": groups}


def _write_json_atomic(obj: Any, path: str) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as handle:
        json.dump(obj, handle, indent=2)
        handle.write("\n")
    os.replace(tmp, path)


def _truncate_log(path: str, step: int) -> None:
    """Drop records written after the checkpoint at ``step`` (they will be written again)."""
    if not os.path.exists(path):
        return
    kept = []
    with open(path) as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by the interruption
            if record.get("type") in ("train", "eval") and record.get("step", 0) > step:
                continue
            kept.append(json.dumps(record))
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as handle:
        handle.write("".join(line + "\n" for line in kept))
    os.replace(tmp, path)


def _differences(stored: Dict[str, Any], given: Dict[str, Any]) -> Dict[str, Any]:
    return {k: (stored.get(k), v) for k, v in given.items() if stored.get(k) != v}


def _format_duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class _StopRequest:
    """SIGINT / SIGTERM set a flag; the loop checkpoints after the current step and returns."""

    def __init__(self) -> None:
        self.signal: Optional[int] = None
        self._previous: Dict[int, Any] = {}

    def __enter__(self) -> "_StopRequest":
        if hasattr(signal, "SIGTERM") and _in_main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, _frame) -> None:
        if self.signal is not None:  # a second signal: stop at once
            raise KeyboardInterrupt
        self.signal = signum

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def run_training(
    kind: str,
    data: str,
    out: str,
    model_config=None,
    train_config: Union[TrainConfig, Dict[str, Any], None] = None,
    run: Optional[RunOptions] = None,
    teacher: Optional[str] = None,
    command: Optional[str] = None,
) -> Dict[str, Any]:
    """Train (``kind="teacher"``) or distil (``kind="student"``, ``teacher`` = a checkpoint path) on the
    DAVIS-layout folder ``data``, in the run folder ``out``; returns a summary (step, last losses,
    last evaluation, parameters, elapsed seconds).

    ``model_config``: a ModelConfig (required for a fresh run; on resume it must equal the stored one, or be
    None). ``train_config``: a TrainConfig (on resume it must equal the stored recipe), or a dict of recipe
    fields overriding the defaults (fresh) / that must match the stored recipe (resume), or None.
    """
    if kind not in KINDS:
        raise TrainingError(f"kind must be one of {KINDS}, got {kind!r}")
    run = run or RunOptions()
    ModelConfig, build_model = _model_api()
    if run.threads:
        torch.set_num_threads(int(run.threads))
    ckpt_path = os.path.join(out, CHECKPOINT)
    log_path = os.path.join(out, LOG)

    state = load_checkpoint(ckpt_path) if os.path.exists(ckpt_path) else None
    if state is not None:
        if state["kind"] != kind:
            raise TrainingError(f"{ckpt_path}: holds a {state['kind']} run, cannot continue it as a {kind}")
        cfg = ModelConfig.from_dict(state["model_config"])
        if model_config is not None and model_config.to_dict() != cfg.to_dict():
            diff = _differences(cfg.to_dict(), model_config.to_dict())
            raise TrainingError(f"{ckpt_path}: resuming with another model config; differing fields (stored, given): {diff}")
        recipe = TrainConfig.from_dict(state["train_config"])
        given = train_config.to_dict() if isinstance(train_config, TrainConfig) else dict(train_config or {})
        if "adam_betas" in given:
            given["adam_betas"] = list(given["adam_betas"])
        if isinstance(train_config, TrainConfig) or given:
            diff = _differences(recipe.to_dict(), given)
            if diff:
                raise TrainingError(
                    f"{ckpt_path}: the recipe of a run is fixed; differing fields (stored, given): {diff} "
                    "(start a new run folder to change it)"
                )
    else:
        if model_config is None:
            raise TrainingError("a model config is required to start a run")
        cfg = model_config
        if isinstance(train_config, TrainConfig):
            recipe = train_config
        else:
            recipe = TrainConfig.from_dict(dict(train_config or {}))

    if kind == "student":
        teacher_path = teacher or (state or {}).get("teacher", {}).get("path")
        if not teacher_path:
            raise TrainingError("distillation needs a teacher checkpoint")
        teacher_model, teacher_cfg, teacher_info = load_teacher(teacher_path)
        stored_teacher = (state or {}).get("teacher")
        if stored_teacher and stored_teacher["sha256"] != teacher_info["sha256"]:
            raise TrainingError(
                f"{ckpt_path}: was distilled from {stored_teacher['path']} (sha256 {stored_teacher['sha256'][:12]}…), "
                f"{teacher_path} is another file"
            )
        if teacher_cfg.num_slots != cfg.num_slots:
            raise TrainingError(
                f"teacher has K = {teacher_cfg.num_slots} slots, the student {cfg.num_slots}: SlotMatch needs the same K"
            )
    else:
        teacher_model = teacher_cfg = teacher_info = None

    # Build everything from the seed; a resume then overwrites the states.
    random.seed(recipe.seed)
    np.random.seed(recipe.seed % (2**32))
    torch.manual_seed(recipe.seed)
    model = build_model(cfg)
    model.train()
    init_info = None
    if recipe.init_from and state is None:
        init_info = initialise_from(model, recipe.init_from, recipe.init_keys)
    projection = None
    if kind == "student":
        widths_differ = teacher_cfg.slot_dim != cfg.slot_dim
        if recipe.kd_projection == "linear" or (recipe.kd_projection == "auto" and widths_differ):
            projection = nn.Linear(cfg.slot_dim, teacher_cfg.slot_dim)
        elif widths_differ:
            raise TrainingError(
                f"teacher slots have S = {teacher_cfg.slot_dim}, the student {cfg.slot_dim}: use kd_projection auto or linear"
            )
    trainable = [p for p in model.parameters() if p.requires_grad]
    if projection is not None:
        trainable += list(projection.parameters())
    if not trainable:
        raise TrainingError("the model has no trainable parameters")
    optimizer = torch.optim.Adam(
        trainable, lr=recipe.lr, betas=tuple(recipe.adam_betas), eps=recipe.adam_eps, weight_decay=recipe.weight_decay
    )
    schedule = ExpDecayWithWarmup(recipe.warmup_steps, recipe.decay_steps, recipe.decay_rate)
    step, elapsed, last_eval = 0, 0.0, None
    if state is not None:
        model.load_state_dict(state["state_dict"])
        if projection is not None:
            projection.load_state_dict(state["projection"])
        optimizer.load_state_dict(state["optimizer"])
        step = int(state["step"])
        elapsed = float(state.get("elapsed", 0.0))
        last_eval = state.get("metrics")
        set_rng_state(state["rng"])
        _truncate_log(log_path, step)

    size = (cfg.image_height, cfg.image_width)
    sizes = [size]
    if teacher_cfg is not None:
        teacher_size = (teacher_cfg.image_height, teacher_cfg.image_width)
        if teacher_size != size:
            sizes.append(teacher_size)
        if list(teacher_cfg.mean) != list(cfg.mean) or list(teacher_cfg.std) != list(cfg.std):
            raise TrainingError("teacher and student normalise frames differently (mean/std); SlotMatch feeds both the same clips")
    dataset = ClipDataset(
        data, recipe.batch_size, recipe.clip_length, recipe.clip_stride, recipe.clip_sampling, recipe.flip_prob,
        recipe.seed, run.cache_frames, False, recipe.clamp, cfg.mean, cfg.std,
    )
    if run.cache_frames:
        dataset.preload()  # decodes every frame now: a broken file stops the run before anything is written
    if run.eval_data:
        list_videos(run.eval_data, with_masks=True)  # the evaluation folder must be complete, checked up front
    os.makedirs(out, exist_ok=True)

    parameters = count_parameters(model)
    config_record = {
        "kind": kind, "model_config": cfg.to_dict(), "train_config": recipe.to_dict(), "teacher": teacher_info,
        "parameters": parameters, "data": os.path.abspath(data), "videos": len(dataset.videos), "command": command,
        "initialised_from": init_info,
    }
    if state is None:
        _write_json_atomic(config_record, os.path.join(out, CONFIG))

    log = open(log_path, "a")

    def emit(record: Dict[str, Any]) -> None:
        log.write(json.dumps(record) + "\n")
        log.flush()

    def say(text: str) -> None:
        if not run.quiet:
            print(text, file=sys.stderr, flush=True)

    def checkpoint(metrics) -> None:
        payload = {
            "format": FORMAT, "version": VERSION, "kind": kind, "model_config": cfg.to_dict(),
            "role": kind, "seed": recipe.seed, "training_command": command,
            "state_dict": model.state_dict(), "projection": projection.state_dict() if projection is not None else None,
            "optimizer": optimizer.state_dict(),
            "scheduler": {"name": "exp_decay_with_warmup", "base_lr": recipe.lr, "warmup_steps": recipe.warmup_steps,
                          "decay_steps": recipe.decay_steps, "decay_rate": recipe.decay_rate},
            "step": step, "elapsed": elapsed, "train_config": recipe.to_dict(), "rng": rng_state(),
            "teacher": teacher_info, "metrics": metrics, "parameters": parameters,
        }
        save_atomic(payload, ckpt_path)
        if run.keep_checkpoints:
            save_atomic(payload, os.path.join(out, f"checkpoint-{step}.pt"))

    def evaluate() -> Dict[str, Any]:
        result = evaluate_folder(model, cfg, run.eval_data, run.eval_videos, run.eval_frames)
        emit({"type": "eval", "step": step, "time": time.time(), **result})
        say(f"[{kind}] eval step {step}: video FG-ARI {result['video_fg_ari']:.4f}  mBO {result['video_mbo']:.4f}"
            f"  ({result['videos_with_objects']} videos)")
        return result

    if init_info is not None:
        say(f"[{kind}] initialised {init_info['loaded']} weights from {recipe.init_from}: {init_info['groups']}")
    emit({"type": "start", "step": step, "time": time.time(), "resumed": state is not None, "initialised_from": init_info,
          "parameters": parameters, "command": command, "threads": torch.get_num_threads()})
    say(f"[{kind}] {'resuming at' if state else 'starting at'} step {step}/{recipe.max_steps}: "
        f"{parameters['total']:,} parameters ({parameters['trainable']:,} trainable), {len(dataset.videos)} videos, "
        f"batch {recipe.batch_size}x{recipe.clip_length} frames at {size[0]}x{size[1]}")

    sums: Dict[str, float] = {}
    interval_steps, interval_start = 0, time.perf_counter()
    last: Dict[str, float] = {}
    steps_this_run = 0
    process_start = time.perf_counter()
    stopped_by = None
    with _StopRequest() as stop:
        while step < recipe.max_steps:
            if run.stop_after is not None and steps_this_run >= run.stop_after:
                stopped_by = "stop_after"
                break
            if run.time_limit is not None and time.perf_counter() - process_start >= run.time_limit:
                stopped_by = "time_limit"
                break
            if stop.signal is not None:
                stopped_by = f"signal {stop.signal}"
                break
            started = time.perf_counter()
            lr = schedule.lr(recipe.lr, step)
            for group in optimizer.param_groups:
                group["lr"] = lr
            batch = dataset.batch(step, sizes)
            optimizer.zero_grad(set_to_none=True)
            if kind == "teacher":
                losses = teacher_losses(model, batch[size], recipe.alpha, recipe.temperature)
            else:
                target = teacher_slots(teacher_model, batch[sizes[-1]] if len(sizes) > 1 else batch[size])
                losses = student_losses(model, batch[size], target, recipe.alpha, recipe.beta, recipe.temperature,
                                        recipe.kd_correspondence, projection)
            if not torch.isfinite(losses["loss"]):
                checkpoint(last_eval)  # the state before this step, for inspection
                raise TrainingError(f"non-finite loss at step {step}: { {k: float(v) for k, v in losses.items()} }")
            losses["loss"].backward()
            grad_norm = torch.nn.utils.clip_grad_norm_(trainable, recipe.grad_clip if recipe.grad_clip > 0 else math.inf)
            optimizer.step()
            step += 1
            steps_this_run += 1
            elapsed += time.perf_counter() - started
            last = {k: float(v.detach()) for k, v in losses.items()}
            last["grad_norm"] = float(grad_norm)
            for k, v in last.items():
                sums[k] = sums.get(k, 0.0) + v
            interval_steps += 1
            if run.log_every and (step % run.log_every == 0 or step == recipe.max_steps):
                seconds = (time.perf_counter() - interval_start) / interval_steps
                record = {"type": "train", "step": step, "lr": lr, "time": time.time(), "elapsed": elapsed,
                          "seconds_per_step": seconds, **{k: v / interval_steps for k, v in sums.items()}}
                emit(record)
                parts = "  ".join(f"{k} {record[k]:.4f}" for k in ("rec", "contrast", "kd") if k in record)
                say(f"[{kind}] step {step}/{recipe.max_steps}  loss {record['loss']:.4f} ({parts})  lr {lr:.2e}"
                    f"  |g| {record['grad_norm']:.3f}  {seconds:.2f} s/step"
                    f"  eta {_format_duration(seconds * (recipe.max_steps - step))}")
                sums, interval_steps, interval_start = {}, 0, time.perf_counter()
            if run.eval_every and run.eval_data and step % run.eval_every == 0:
                last_eval = evaluate()
            if run.checkpoint_every and step % run.checkpoint_every == 0:
                checkpoint(last_eval)
        # A resumed run that had already finished trains nothing: its checkpoint stays byte-identical (students
        # distilled from it check the teacher file's sha256).
        if steps_this_run > 0 or state is None:
            if step >= recipe.max_steps and run.eval_data and not (run.eval_every and step % run.eval_every == 0):
                last_eval = evaluate()
            checkpoint(last_eval)
    emit({"type": "stop", "step": step, "time": time.time(), "elapsed": elapsed,
          "reason": stopped_by or "max_steps"})
    log.close()
    say(f"[{kind}] {'stopped' if stopped_by else 'finished'} at step {step} ({stopped_by or 'max_steps'}); "
        f"checkpoint {ckpt_path}")
    return {"kind": kind, "step": step, "finished": step >= recipe.max_steps, "stopped_by": stopped_by,
            "losses": last, "eval": last_eval, "parameters": parameters, "elapsed": elapsed,
            "checkpoint": ckpt_path}
