"""``python3 -m slotmatch_torch distill``: distil a SlotMatch student from a frozen teacher (see ``--help``)."""
import sys


def main(argv) -> int:
    from ..train.cli_options import run_cli

    return run_cli("student", list(argv))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
