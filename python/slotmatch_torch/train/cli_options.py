"""Command-line options shared by ``train`` and ``distill`` and the code that runs them."""
import argparse
import json
import os
import shlex
import sys
from typing import Any, Dict, List, Optional

from .config import KD_CORRESPONDENCES, KD_PROJECTIONS, RunOptions, TrainConfig

#: recipe option → TrainConfig field (None defaults mean "not given": the stored recipe or the default applies)
RECIPE_OPTIONS = {
    "max_steps": "max_steps", "batch_size": "batch_size", "clip_length": "clip_length", "clip_stride": "clip_stride",
    "clip_sampling": "clip_sampling", "flip_prob": "flip_prob", "clamp": "clamp", "lr": "lr",
    "warmup_steps": "warmup_steps", "decay_steps": "decay_steps", "decay_rate": "decay_rate",
    "grad_clip": "grad_clip", "weight_decay": "weight_decay", "alpha": "alpha", "temperature": "temperature",
    "seed": "seed", "beta": "beta", "kd_correspondence": "kd_correspondence", "kd_projection": "kd_projection",
    "init_from": "init_from", "init_keys": "init_keys",
}


def _parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def build_parser(kind: str) -> argparse.ArgumentParser:
    d = TrainConfig()
    student = kind == "student"
    prog = "python3 -m slotmatch_torch " + ("distill" if student else "train")
    if student:
        description = (
            "Distil a SlotMatch student from a frozen teacher (METHODS.md §2): "
            "L = L_rec + alpha*L_slot-contrast + beta*L_slot-KD, the teacher in eval mode without gradient on the "
            "same clips, no reconstruction distillation."
        )
    else:
        description = (
            "Train a SlotContrast teacher (METHODS.md §1): L = L_rec + alpha*L_slot-contrast, with the official "
            "optimiser and schedule as defaults."
        )
    epilog = (
        "Running again with the same --out resumes from RUN_DIR/checkpoint.pt (model, optimiser, step, RNG and "
        "data order), bit-identical to an uninterrupted run; the recipe is then fixed (recipe options may be "
        "repeated but not changed). Ctrl-C / SIGTERM finish the current step, write a checkpoint and exit 130. "
        "RUN_DIR gets checkpoint.pt, config.json and log.jsonl (one JSON record per line: start, train interval "
        "means of loss/rec/contrast" + ("/kd" if student else "") + "/grad_norm with lr and seconds, eval, stop). "
        "Export with: python3 -m slotmatch_torch export RUN_DIR/checkpoint.pt --out DIR. "
        "Exit codes: 0 done (or stopped by --stop-after), 1 bad input, 130 interrupted."
    )
    p = argparse.ArgumentParser(prog=prog, description=description, epilog=epilog)
    io = p.add_argument_group("data and run folder")
    io.add_argument("--data", required=True, metavar="DIR",
                    help="training videos in DAVIS layout: DIR/JPEGImages/<video>/<frame>.{jpg,png} (masks unused)")
    io.add_argument("--out", required=True, metavar="RUN_DIR", help="run folder (created; resumed when it holds a checkpoint)")
    if student:
        io.add_argument("--teacher", metavar="CKPT", default=None,
                        help="the teacher: RUN_DIR/checkpoint.pt of a train run, any checkpoint with state_dict + "
                        "model_config, or an official SlotContrast Lightning .ckpt; optional on resume (the stored path is used, and its sha256 must match)")
    io.add_argument("--config", metavar="PRESET|JSON", default=None,
                    help="model configuration: a preset (movi-c, movi-e, ytvis, student, tiny-teacher, tiny-student), "
                    "a .json file or an inline JSON object of ModelConfig fields; default "
                    + ("the teacher's config with a ViT-S/14 backbone (the student preset of it; only for a larger ViT "
                       "teacher)" if student else "movi-c")
                    + "; taken from the checkpoint on resume")
    io.add_argument("--set", dest="model_set", action="append", default=[], metavar="FIELD=VALUE",
                    help="override a ModelConfig field (VALUE parsed as JSON), e.g. --set num_slots=6; repeatable")

    r = p.add_argument_group("recipe (stored in the checkpoint; defaults = official SlotContrast)")
    r.add_argument("--max-steps", type=int, default=None, help=f"optimiser steps of the run (default {d.max_steps})")
    r.add_argument("--batch-size", type=int, default=None, help=f"clips per step (default {d.batch_size})")
    r.add_argument("--clip-length", type=int, default=None, help=f"frames per clip (default {d.clip_length})")
    r.add_argument("--clip-stride", type=int, default=None, help=f"take every n-th frame (default {d.clip_stride})")
    r.add_argument("--clip-sampling", choices=("chunks", "any"), default=None,
                   help="chunks: one of the video's non-overlapping chunks per epoch (official); any: any start "
                   f"(default {d.clip_sampling})")
    r.add_argument("--flip-prob", type=float, default=None, help=f"horizontal flip probability (default {d.flip_prob})")
    r.add_argument("--clamp", action="store_const", const=True, default=None,
                   help="clamp resized frames to [0,1] as the official pipeline (default: off, as the runtimes)")
    r.add_argument("--lr", type=float, default=None, help=f"Adam base learning rate (default {d.lr})")
    r.add_argument("--warmup-steps", type=int, default=None, help=f"linear warm-up steps (default {d.warmup_steps})")
    r.add_argument("--decay-steps", type=int, default=None,
                   help="lr factor reaches --decay-rate here (default: --max-steps)")
    r.add_argument("--decay-rate", type=float, default=None, help=f"(default {d.decay_rate})")
    r.add_argument("--grad-clip", type=float, default=None,
                   help=f"max global gradient norm, 0 = off (default {d.grad_clip})")
    r.add_argument("--weight-decay", type=float, default=None, help=f"Adam weight decay (default {d.weight_decay})")
    r.add_argument("--alpha", type=float, default=None, help=f"weight of L_slot-contrast (default {d.alpha})")
    r.add_argument("--temperature", type=float, default=None, help=f"contrast temperature tau (default {d.temperature})")
    r.add_argument("--seed", type=int, default=None, help=f"seeds the initialisation and the data order (default {d.seed})")
    if student:
        r.add_argument("--beta", type=float, default=None, help=f"weight of L_slot-KD (default {d.beta})")
        r.add_argument("--kd-correspondence", choices=KD_CORRESPONDENCES, default=None,
                       help=f"teacher↔student slot pairing: same index or per-frame Hungarian on cosine (default {d.kd_correspondence})")
        r.add_argument("--kd-projection", choices=KD_PROJECTIONS, default=None,
                       help="learned linear map of student slots to the teacher's width: auto = when the widths "
                       f"differ (default {d.kd_projection})")
    r.add_argument("--init-from", metavar="CKPT", default=None,
                   help="start from the weights of CKPT that the model shares (same names and shapes), e.g. a "
                   "pre-trained backbone; the rest keeps its seeded initialisation")
    r.add_argument("--init-keys", metavar="PREFIX", action="append", default=None,
                   help="with --init-from: copy only weights whose names start with PREFIX (repeatable), e.g. "
                   "encoder.module.backbone.")
    r.add_argument("--recipe", metavar="JSON", default=None,
                   help="a .json file or inline JSON object of recipe fields (options above win)")

    c = p.add_argument_group("run control (may change between resumes)")
    c.add_argument("--checkpoint-every", type=int, default=500, help="write RUN_DIR/checkpoint.pt every N steps; 0 = only at the end (default 500)")
    c.add_argument("--keep-checkpoints", action="store_true", help="also keep RUN_DIR/checkpoint-<step>.pt")
    c.add_argument("--log-every", type=int, default=10, help="log interval means every N steps; 0 = never (default 10)")
    c.add_argument("--eval-every", type=int, default=0,
                   help="evaluate video FG-ARI / mBO on --eval-data every N steps (0 = only at the end)")
    c.add_argument("--eval-data", metavar="DIR", default=None,
                   help="validation videos in DAVIS layout with Annotations/ palette masks")
    c.add_argument("--eval-videos", type=int, default=None, help="evaluate only the first N videos")
    c.add_argument("--eval-frames", type=int, default=None, help="evaluate only the first N frames of each video")
    c.add_argument("--stop-after", type=int, default=None,
                   help="stop this process after N steps (checkpoint written; run again to continue)")
    c.add_argument("--time-limit", type=float, default=None, metavar="MINUTES",
                   help="stop this process after MINUTES of training (checkpoint written; run again to continue)")
    c.add_argument("--no-cache", action="store_true", help="decode frames at every use instead of keeping them in memory")
    c.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    c.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return p


def _load_json_arg(text: str, what: str) -> Dict[str, Any]:
    if text.lstrip().startswith("{"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"{what}: invalid JSON ({error})") from None
    elif os.path.isfile(text):
        try:
            with open(text) as handle:
                value = json.load(handle)
        except (OSError, json.JSONDecodeError) as error:
            raise ValueError(f"{text}: invalid JSON {what} ({error})") from None
    else:
        raise ValueError(f"{what}: {text!r} is neither a JSON object nor a file")
    if not isinstance(value, dict):
        raise ValueError(f"{what}: expected a JSON object, got {type(value).__name__}")
    return value


def model_config_from_args(args, default: Optional[str]):
    """The ModelConfig the options name (None when neither --config nor --set nor a default is given)."""
    from ..config import ModelConfig, PRESETS, preset

    if args.config is None and not args.model_set and default is None:
        return None
    name = args.config or default
    cfg = preset(name) if name in PRESETS else ModelConfig.from_dict(_load_json_arg(name, "--config"))
    if args.model_set:
        changes = {}
        for item in args.model_set:
            if "=" not in item:
                raise ValueError(f"--set {item!r}: expected FIELD=VALUE")
            key, value = item.split("=", 1)
            changes[key.strip()] = _parse_value(value)
        cfg = cfg.replace(**changes)
    return cfg


def recipe_from_args(args) -> Dict[str, Any]:
    recipe = _load_json_arg(args.recipe, "--recipe") if args.recipe else {}
    for option, field_name in RECIPE_OPTIONS.items():
        value = getattr(args, option, None)
        if value is not None:
            recipe[field_name] = value
    return recipe


def run_options_from_args(args) -> RunOptions:
    return RunOptions(
        checkpoint_every=args.checkpoint_every, log_every=args.log_every, eval_every=args.eval_every,
        eval_data=args.eval_data, eval_videos=args.eval_videos, eval_frames=args.eval_frames,
        stop_after=args.stop_after, time_limit=None if args.time_limit is None else 60.0 * args.time_limit, keep_checkpoints=args.keep_checkpoints, cache_frames=not args.no_cache,
        threads=args.threads, quiet=args.quiet,
    )


def run_cli(kind: str, argv: List[str]) -> int:
    """Parse ``argv`` and run; bad input → message on stderr, exit 1; interrupted → exit 130."""
    from ..data import DataError
    from .checkpoint import CheckpointError
    from .trainer import CHECKPOINT, TrainingError, run_training

    parser = build_parser(kind)
    args = parser.parse_args(argv)
    command = f"python3 -m slotmatch_torch {'distill' if kind == 'student' else 'train'} {shlex.join(argv)}"
    name = "distill" if kind == "student" else "train"
    try:
        resuming = os.path.exists(os.path.join(args.out, CHECKPOINT))
        if kind == "student":
            cfg = model_config_from_args(args, None)
            if cfg is None and not resuming:
                if not args.teacher:
                    raise TrainingError("--teacher CKPT is required to start a distillation")
                from ..checkpoint import infer_config, read_checkpoint, state_dict_of
                from ..config import VIT_SIZES, ModelConfig, student

                data = read_checkpoint(args.teacher)
                teacher_cfg = (ModelConfig.from_dict(data["model_config"]) if "model_config" in data
                               else infer_config(state_dict_of(data, args.teacher), args.teacher))
                small = VIT_SIZES["small"]
                if (teacher_cfg.backbone != "vit" or teacher_cfg.vit_width <= small["vit_width"]
                        or teacher_cfg.image_height % small["patch_size"] or teacher_cfg.image_width % small["patch_size"]):
                    raise TrainingError(
                        "the default student (the teacher with a ViT-S/14 backbone) is not smaller than this teacher; "
                        "give the student's --config"
                    )
                cfg = student(teacher_cfg)
        else:
            cfg = model_config_from_args(args, None if resuming else "movi-c")
        summary = run_training(kind, args.data, args.out, cfg, recipe_from_args(args), run_options_from_args(args),
                               teacher=getattr(args, "teacher", None), command=command)
    except (DataError, CheckpointError, TrainingError, ValueError, OSError) as error:
        print(f"slotmatch_torch {name}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"slotmatch_torch {name}: interrupted", file=sys.stderr)
        return 130
    if summary["stopped_by"] and summary["stopped_by"].startswith("signal"):
        return 130
    return 0
