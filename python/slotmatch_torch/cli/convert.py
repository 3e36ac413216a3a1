"""``python3 -m slotmatch_torch convert CKPT --out DIR``: an official SlotContrast Lightning checkpoint → model bundle."""
import argparse
import re
import sys


def _grid(text: str):
    m = re.fullmatch(r"(\d+)x(\d+)", text)
    if not m:
        raise argparse.ArgumentTypeError(f"expected HxW (e.g. 24x24), got {text!r}")
    return int(m.group(1)), int(m.group(2))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m slotmatch_torch convert",
        description="Convert an official SlotContrast Lightning .ckpt (its state_dict key names) into a model bundle "
                    "(docs/MODEL_BUNDLE.md). Backbone size, input size, K and S are inferred from the parameter shapes; "
                    "a checkpoint with missing or unexpected keys or wrong shapes is refused with the list of keys.",
    )
    p.add_argument("checkpoint", help="path of the .ckpt file (e.g. movi_c.ckpt, movi_e.ckpt, ytvis.ckpt)")
    p.add_argument("--out", required=True, help="bundle folder to create")
    p.add_argument("--name", help="bundle name (default: slotcontrast-<checkpoint file stem>)")
    p.add_argument("--role", choices=["teacher", "student"], default="teacher")
    p.add_argument("--vit-heads", type=int, help="ViT attention heads (default: D/64, as in DINOv2)")
    p.add_argument("--predictor-heads", type=int, default=4, help="predictor heads (default: %(default)s, official)")
    p.add_argument("--iterations-first", type=int, default=3, help="slot-attention iterations on frame 0 (default: 3)")
    p.add_argument("--iterations-next", type=int, default=2, help="slot-attention iterations later (default: 2)")
    p.add_argument("--grid", type=_grid, help="token grid HxW when the decoder's positions are not a square")
    p.add_argument("--with-reconstruction", action="store_true", help="add the optional 'reconstruction' output")
    p.add_argument("--card", metavar="FILE.json", help="a JSON object stored as model.json's 'card' (measured quality, speed)")
    p.add_argument("--force", action="store_true", help="replace an existing --out folder")
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    import torch

    from ..checkpoint import CheckpointError, convert_checkpoint
    from ..bundle.card import read_card

    torch.set_num_threads(max(1, min(4, torch.get_num_threads())))
    try:
        card = read_card(args.card)
        out = convert_checkpoint(
            args.checkpoint, args.out, name=args.name, role=args.role, overwrite=args.force,
            with_reconstruction=args.with_reconstruction, vit_heads=args.vit_heads,
            predictor_heads=args.predictor_heads, iterations_first=args.iterations_first,
            iterations_next=args.iterations_next, grid=args.grid, card=card,
        )
    except (CheckpointError, FileExistsError, ValueError) as err:
        print(f"convert: {err}", file=sys.stderr)
        return 1
    import json

    m = json.loads((out / "model.json").read_text())
    cfg = m["provenance"]["modelConfig"]
    print(f"convert: wrote {out}: ViT depth {cfg['vit_depth']} width {cfg['vit_width']} patch {cfg['patch_size']}, "
          f"input {m['input']['height']}x{m['input']['width']} ({m['tokens']['gridHeight']}x{m['tokens']['gridWidth']} "
          f"tokens), K {m['slots']['count']}, S {m['slots']['dim']}, {m['parameters']['total']:,} parameters "
          f"({m['parameters']['trainable']:,} trainable)")
    return 0
