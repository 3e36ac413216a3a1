"""``python3 -m slotmatch_torch export CKPT --out DIR``: a trained teacher/student checkpoint → model bundle."""
import argparse
import sys


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m slotmatch_torch export",
        description="Export a checkpoint of this package (state_dict + model_config, as the trainers save it) — or, "
                    "with --random-init, a freshly initialised preset — as a model bundle (docs/MODEL_BUNDLE.md): "
                    "encoder.onnx, first.onnx, next.onnx and model.json, written atomically.",
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("checkpoint", nargs="?", help="checkpoint file (a checkpoint without model_config is read "
                                                  "as an official SlotContrast one, its configuration inferred)")
    src.add_argument("--random-init", metavar="PRESET", help="export an untrained preset instead (movi-c, movi-e, "
                                                            "ytvis, student, tiny-teacher, tiny-student)")
    p.add_argument("--out", required=True, help="bundle folder to create")
    p.add_argument("--name", help="bundle name (default: the preset, the checkpoint's file stem, or the run folder's "
                                  "name for RUN_DIR/checkpoint*.pt)")
    p.add_argument("--role", choices=["teacher", "student"], help="default: the checkpoint's 'role', else teacher")
    p.add_argument("--seed", type=int, default=0, help="seed for --random-init (default: %(default)s)")
    p.add_argument("--with-reconstruction", action="store_true", help="add the optional 'reconstruction' output")
    p.add_argument("--card", metavar="FILE.json", help="a JSON object stored as model.json's 'card' (measured quality, speed)")
    p.add_argument("--force", action="store_true", help="replace an existing --out folder")
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    import pathlib
    import re

    import torch

    from ..bundle import export_bundle
    from ..checkpoint import CheckpointError, load_model_checkpoint
    from ..config import preset
    from ..models import build_model
    from ..bundle.card import read_card

    try:
        card = read_card(args.card)
        if args.random_init:
            torch.manual_seed(args.seed)
            model = build_model(preset(args.random_init)).eval()
            meta = {"role": "student" if "student" in args.random_init else "teacher", "seed": args.seed}
            source = f"random init of preset {args.random_init}"
            default = args.random_init
        else:
            model, meta = load_model_checkpoint(args.checkpoint)
            source = "trained here" if "model_config" in meta else pathlib.Path(args.checkpoint).name
            ckpt_path = pathlib.Path(args.checkpoint).resolve()
            # a run folder's checkpoint.pt / checkpoint-<step>.pt is named after the run folder
            default = ckpt_path.parent.name if ckpt_path.stem.startswith("checkpoint") else ckpt_path.stem
        role = args.role or meta.get("role") or "teacher"
        name = args.name or re.sub(r"[^A-Za-z0-9._-]+", "-", default).strip("-") or "model"
        seed = meta.get("seed")
        out = export_bundle(model, args.out, name=name, role=role, source=source,
                            training_command=meta.get("training_command"),
                            seed=int(seed) if isinstance(seed, int) else None,
                            with_reconstruction=args.with_reconstruction, overwrite=args.force, card=card)
    except (CheckpointError, FileExistsError, ValueError) as err:
        print(f"export: {err}", file=sys.stderr)
        return 1
    print(f"export: wrote {out}")
    return 0
