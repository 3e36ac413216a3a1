"""``python3 -m slotmatch_torch pretrain``: stage 1 of the synthetic-world recipe (see ``--help``)."""
import argparse
import os
import shlex
import sys


def main(argv) -> int:
    from ..recipes.pretrain import COLOUR_TARGETS, PretrainConfig, run_pretrain

    d = PretrainConfig()
    p = argparse.ArgumentParser(
        prog="python3 -m slotmatch_torch pretrain",
        description="Stage 1 of the synthetic-world recipe: a pixel slot-attention autoencoder (BO-QSA init, one "
        "colour per slot blended by the attention masks) plus a per-slot translation loss between two frames of a video trains the backbone, adapter, initial slots and slot "
        "attention on frames only. Continue with: train --init-from RUN_DIR/checkpoint.pt. Running again with the "
        "same --out resumes.",
    )
    p.add_argument("--data", required=True, metavar="DIR", help="DAVIS-layout training videos (frames only)")
    p.add_argument("--out", required=True, metavar="RUN_DIR")
    p.add_argument("--config", default="synth-teacher", help="preset or JSON of the stage-2 model (default synth-teacher)")
    p.add_argument("--set", dest="model_set", action="append", default=[], metavar="FIELD=VALUE")
    p.add_argument("--max-steps", type=int, default=d.max_steps)
    p.add_argument("--batch-frames", type=int, default=d.batch_frames)
    p.add_argument("--lr", type=float, default=d.lr)
    p.add_argument("--warmup-steps", type=int, default=d.warmup_steps)
    p.add_argument("--min-lr-ratio", type=float, default=d.min_lr_ratio,
                   help=f"final lr / peak lr of the cosine decay after warm-up; 1 = constant (default {d.min_lr_ratio})")
    p.add_argument("--motion-weight", type=float, default=d.motion_weight,
                   help=f"weight of the per-slot translation loss between x_t and x_(t+gap); 0 = frames alone (default {d.motion_weight})")
    p.add_argument("--colour-weight", type=float, default=d.colour_weight,
                   help=f"weight of the one-colour-per-slot reconstruction (default {d.colour_weight})")
    p.add_argument("--colour-weight-final", type=float, default=None,
                   help="anneal the colour weight after warm-up along a half cosine down to this value at --max-steps "
                   "(default: constant)")
    p.add_argument("--motion-both-ways", action="store_true",
                   help="also rebuild x_t from x_(t+gap) with the opposite shifts under the masks of x_t")
    p.add_argument("--flow-weight", type=float, default=d.flow_weight,
                   help="weight of the block-matching flow target: each slot also predicts one motion, blended by "
                   f"its mask (default {d.flow_weight} = off)")
    p.add_argument("--colour-blur", type=float, default=d.colour_blur,
                   help=f"σ in pixels of a Gaussian blur of the colour target (default {d.colour_blur} = none)")
    p.add_argument("--colour-target", choices=COLOUR_TARGETS, default=d.colour_target,
                   help="what the colour term reconstructs: the frames, or their chromaticity 3·x/(r+g+b+0.1) "
                   f"(brightness divided out; default {d.colour_target})")
    p.add_argument("--gap", type=int, default=d.gap, help=f"frames between consecutive frames of a clip (default {d.gap})")
    p.add_argument("--clip-length", type=int, default=d.clip_length,
                   help="frames per training clip, slots carried from each to the next (default "
                   f"{d.clip_length} = pairs; --batch-frames must be a multiple)")
    p.add_argument("--contrast-weight", type=float, default=d.contrast_weight,
                   help="α of L_slot-contrast on the slots of each pair (SlotMatch's α; default "
                   f"{d.contrast_weight} = off)")
    p.add_argument("--teacher", default=None, metavar="STAGE1_CKPT",
                   help="a frozen teacher's stage-1 checkpoint: adds β·L_slot-KD (index correspondence, learned "
                   "projection to the teacher's slot width) — SlotMatch distillation in stage 1")
    p.add_argument("--kd-weight", type=float, default=1.0, help="β of L_slot-KD with --teacher (default 1.0)")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--fit-decoder", metavar="STAGE1_CKPT", default=None,
                   help="instead of stage 1: load this stage-1 checkpoint into the --config model, fit its decoder to "
                   "the frozen model (masks distilled from its own attention), predictor = identity, and write "
                   "RUN_DIR/checkpoint.pt for train --init-from (--max-steps steps, --batch-frames frames)")
    p.add_argument("--eval-data", default=None, metavar="DIR")
    p.add_argument("--eval-every", type=int, default=0)
    p.add_argument("--eval-videos", type=int, default=None)
    p.add_argument("--time-limit", type=float, default=None, metavar="MINUTES")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    try:
        from ..train.cli_options import model_config_from_args

        cfg = model_config_from_args(args, "synth-teacher")
        if args.fit_decoder:
            from ..recipes.decoder_fit import fit_decoder

            os.makedirs(args.out, exist_ok=True)
            result = fit_decoder(args.fit_decoder, args.data, os.path.join(args.out, "checkpoint.pt"), cfg,
                                 steps=args.max_steps, batch_frames=args.batch_frames, seed=args.seed,
                                 eval_data=args.eval_data, eval_videos=args.eval_videos, threads=args.threads,
                                 command="python3 -m slotmatch_torch pretrain " + shlex.join(argv))
            print(f"fit-decoder: {result}", file=sys.stderr)
            return 0
        options = dict(cfg.backbone_options)
        options["stride"] = 1  # one token per pixel in stage 1; the stage-2 model pools
        cfg = cfg.replace(backbone_options=options)
        recipe = PretrainConfig(max_steps=args.max_steps, batch_frames=args.batch_frames, lr=args.lr,
                                warmup_steps=args.warmup_steps, min_lr_ratio=args.min_lr_ratio, seed=args.seed,
                                contrast_weight=args.contrast_weight, colour_weight=args.colour_weight,
                                colour_weight_final=args.colour_weight_final,
                                motion_both_ways=args.motion_both_ways, flow_weight=args.flow_weight,
                                colour_blur=args.colour_blur, colour_target=args.colour_target,
                                clip_length=args.clip_length,
                                kd_weight=args.kd_weight if args.teacher else 0.0,
                                teacher=os.path.abspath(args.teacher) if args.teacher else None, motion_weight=args.motion_weight,
                                gap=args.gap)
        summary = run_pretrain(args.data, args.out, cfg, recipe, eval_data=args.eval_data, eval_every=args.eval_every,
                               eval_videos=args.eval_videos,
                               time_limit=None if args.time_limit is None else 60 * args.time_limit,
                               threads=args.threads, command="python3 -m slotmatch_torch pretrain " + shlex.join(argv),
                               quiet=args.quiet)
    except (ValueError, OSError) as error:
        print(f"slotmatch_torch pretrain: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(f"pretrain: step {summary['step']}, eval {summary['eval']}, checkpoint {summary['checkpoint']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
