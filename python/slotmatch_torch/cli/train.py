"""``python3 -m slotmatch_torch train``: train a SlotContrast teacher (see ``--help``)."""
import sys


def main(argv) -> int:
    from ..train.cli_options import run_cli

    return run_cli("teacher", list(argv))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
