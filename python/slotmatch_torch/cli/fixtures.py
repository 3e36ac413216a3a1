"""``python3 -m slotmatch_torch fixtures [--only NAME ...] [--repo DIR] [--list]``: write the parity fixtures."""
import argparse
import pathlib
import sys

DEFAULT_REPO = pathlib.Path(__file__).resolve().parents[3]


def main(argv=None) -> int:
    from ..fixture_writers import discover

    writers = discover()
    parser = argparse.ArgumentParser(
        prog="python3 -m slotmatch_torch fixtures",
        description="Write the fixtures that the TypeScript tests read (seeded; re-running reproduces them).",
    )
    parser.add_argument("--only", action="append", metavar="NAME", choices=sorted(writers),
                        help=f"run only this writer (repeatable); one of: {', '.join(writers)}")
    parser.add_argument("--repo", type=pathlib.Path, default=DEFAULT_REPO, help="repository root (default: %(default)s)")
    parser.add_argument("--list", action="store_true", help="list the writers and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, module in writers.items():
            print(f"{name}: {(module.__doc__ or '').strip().splitlines()[0]}")
        return 0
    if not args.repo.is_dir():
        print(f"fixtures: --repo {args.repo}: not a directory", file=sys.stderr)
        return 1
    for name in args.only or list(writers):
        for path in writers[name].write(args.repo):
            print(f"{name}: wrote {path}")
    return 0
