"""One module per command of ``python3 -m slotmatch_torch``; each has ``main(argv) -> int``."""
