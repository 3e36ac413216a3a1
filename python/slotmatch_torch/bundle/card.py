"""The model card (``--card FILE.json`` of export/convert): a JSON object stored as model.json's ``card``."""
import json
import pathlib
from typing import Any, Dict, Optional


def read_card(path: Optional[str]) -> Optional[Dict[str, Any]]:
    """The JSON object in ``path`` (None without a path); ValueError naming the file otherwise."""
    if path is None:
        return None
    try:
        card = json.loads(pathlib.Path(path).read_text())
    except (OSError, ValueError) as err:
        raise ValueError(f"--card {path}: not a readable JSON file ({err})") from err
    if not isinstance(card, dict):
        raise ValueError(f"--card {path}: must hold a JSON object")
    return card
