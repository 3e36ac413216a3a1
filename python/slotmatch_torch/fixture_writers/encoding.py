"""Fixture file helpers: the JSON tensor encoding of ``decodeTensor`` (test/fixtures.ts) and atomic writes."""
import base64
import json
import os
import pathlib
import tempfile
from typing import Any

import numpy as np
import torch

_DTYPES = {np.dtype("float32"): "float32", np.dtype("float64"): "float64", np.dtype("int32"): "int32",
           np.dtype("int64"): "int64"}


def encode_tensor(t: Any) -> dict:
    """``{"dims": [..], "dtype": ..., "data": base64 of the little-endian values}`` of a tensor/array."""
    if isinstance(t, torch.Tensor):
        t = t.detach().cpu().contiguous().numpy()
    arr = np.ascontiguousarray(t)
    if arr.dtype not in _DTYPES:
        raise TypeError(f"cannot encode dtype {arr.dtype}")
    data = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
    return {"dims": list(arr.shape), "dtype": _DTYPES[arr.dtype], "data": base64.b64encode(data).decode("ascii")}


def decode_tensor(t: dict) -> np.ndarray:
    """Inverse of :func:`encode_tensor`."""
    dtype = np.dtype(t["dtype"]).newbyteorder("<")
    return np.frombuffer(base64.b64decode(t["data"]), dtype=dtype).reshape(t["dims"])


def write_json_atomic(path: pathlib.Path, value: Any) -> pathlib.Path:
    """Write JSON to a temporary file beside ``path`` and rename it over ``path`` when complete."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "w") as f:
            json.dump(value, f)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
