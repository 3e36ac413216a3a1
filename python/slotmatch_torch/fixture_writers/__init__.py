"""Writers of the fixtures that the TypeScript tests read; ``python3 -m slotmatch_torch fixtures`` runs them.

Every module of this package (other than the helpers listed in ``_HELPERS``) is a writer exposing
``write(repo_root: pathlib.Path) -> list[pathlib.Path]``; its name is the module name with ``_`` → ``-``
(``core_forward`` → ``core-forward``). Writers are seeded, so re-running reproduces the same bytes.
"""
import importlib
import pkgutil
from types import ModuleType
from typing import Dict

_HELPERS = {"encoding"}


def discover() -> Dict[str, ModuleType]:
    """{writer name: module} for every writer module in this package, sorted by name."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in _HELPERS:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if callable(getattr(module, "write", None)):
            found[info.name.replace("_", "-")] = module
    return dict(sorted(found.items()))
