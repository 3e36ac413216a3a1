"""slotmatch_torch: the PyTorch side of slotmatch (models, losses, trainers, converter, bundle export)."""

__version__ = "0.1.0"
