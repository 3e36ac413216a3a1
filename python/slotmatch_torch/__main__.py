"""Command-line entry: ``python3 -m slotmatch_torch <command> [options]``.

Each command lives in ``slotmatch_torch/cli/<command>.py`` and exposes ``main(argv) -> int``; it is
imported only when run, so ``--help`` of one command never pays for another's imports.
"""
import importlib
import sys

COMMANDS = {
    "convert": "official SlotContrast Lightning .ckpt -> model bundle",
    "export": "trained teacher/student checkpoint -> model bundle (ONNX graphs + model.json)",
    "train": "train a SlotContrast teacher (L_rec + alpha*L_slot-contrast)",
    "distill": "distil a SlotMatch student from a frozen teacher (+ beta*L_slot-KD)",
    "pretrain": "stage 1 of the synthetic-world recipe: pixel slot-attention autoencoder trains the backbone",
    "golden": "write JSON fixtures of loss values and gradients (torch autograd) for the TS losses",
    "fixtures": "write the parity fixtures the TypeScript tests read (tiny bundles, clips, forward passes)",
}


def usage() -> str:
    lines = ["usage: python3 -m slotmatch_torch <command> [options]", "", "commands:"]
    lines += [f"  {name:<9} {text}" for name, text in COMMANDS.items()]
    lines += ["", "python3 -m slotmatch_torch <command> --help  for a command's options"]
    return "\n".join(lines)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"slotmatch_torch: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"slotmatch_torch.cli.{name}")
    return int(module.main(rest) or 0)


if __name__ == "__main__":
    sys.exit(main())
