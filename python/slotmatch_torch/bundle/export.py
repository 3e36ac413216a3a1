"""Model → bundle folder (docs/MODEL_BUNDLE.md): encoder.onnx, first.onnx, next.onnx and model.json.

Written into a temporary folder beside the destination and renamed when complete, so a failed export
leaves no partial bundle. Opset 17 (LayerNormalization; loaded by onnxruntime-node and onnxruntime-web),
float32, the batch axis dynamic in every graph.
"""
import json
import os
import pathlib
import re
import shutil
import tempfile
import warnings
from typing import Any, Dict, Optional

import onnx
import torch

from .. import __version__
from ..models import SlotContrastModel
from .graphs import STEP_OUTPUTS, EncoderGraph, FirstGraph, NextGraph

OPSET = 17
GRAPH_FILES = {"encoder": "encoder.onnx", "first": "first.onnx", "next": "next.onnx"}


def manifest_for(model: SlotContrastModel, *, name: str, role: str, source: str,
                 training_command: Optional[str] = None, seed: Optional[int] = None,
                 with_reconstruction: bool = False, card: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """The model.json of a model, every field of MODEL_BUNDLE.md filled in."""
    if not re.fullmatch(r"[A-Za-z0-9._-]+", name):
        raise ValueError(f"bundle name {name!r}: only letters, digits, '.', '_' and '-'")
    if role not in ("teacher", "student"):
        raise ValueError(f"role {role!r}: expected 'teacher' or 'student'")
    cfg = model.config
    step_outputs = STEP_OUTPUTS + (["reconstruction"] if with_reconstruction else [])
    manifest: Dict[str, Any] = {
        "format": "slotmatch-bundle",
        "formatVersion": 1,
        "name": name,
        "role": role,
        "architecture": "slotcontrast",
        "input": {"height": cfg.image_height, "width": cfg.image_width, "channelOrder": "rgb", "valueRange": [0, 1],
                  "mean": [float(v) for v in cfg.mean], "std": [float(v) for v in cfg.std], "resize": "bicubic"},
        "tokens": {"gridHeight": cfg.grid_height, "gridWidth": cfg.grid_width, "dim": cfg.feature_dim},
        "slots": {"count": cfg.num_slots, "dim": cfg.slot_dim, "iterationsFirst": cfg.iterations_first,
                  "iterationsNext": cfg.iterations_next},
        "graphs": {
            "encoder": {"file": GRAPH_FILES["encoder"], "inputs": ["pixels"], "outputs": ["features"]},
            "first": {"file": GRAPH_FILES["first"], "inputs": ["features"], "outputs": step_outputs},
            "next": {"file": GRAPH_FILES["next"], "inputs": ["features", "init"], "outputs": step_outputs},
        },
        "parameters": model.parameter_counts(),
        "provenance": {"source": source, "converter": f"slotmatch_torch {__version__}",
                       "trainingCommand": training_command, "seed": seed, "modelConfig": cfg.to_dict()},
    }
    if card is not None:
        manifest["card"] = card
    return manifest


def tensor_dims(model: SlotContrastModel) -> Dict[str, list]:
    """Dims of every graph tensor after the batch axis: pixels [3,H,W], features [P,D], slots [K,S], ..."""
    cfg = model.config
    p, d, k, s = cfg.num_patches, cfg.feature_dim, cfg.num_slots, cfg.slot_dim
    return {"pixels": [3, cfg.image_height, cfg.image_width], "features": [p, d], "init": [k, s], "slots": [k, s],
            "masks": [k, p], "attention": [k, p], "next_init": [k, s], "reconstruction": [p, d]}


def _export(module: torch.nn.Module, args, path: pathlib.Path, inputs, outputs, dims: Dict[str, list]) -> None:
    dynamic = {n: {0: "batch"} for n in list(inputs) + list(outputs)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shape checks turned into constants
        torch.onnx.export(module, args, str(path), input_names=list(inputs), output_names=list(outputs),
                          dynamic_axes=dynamic, opset_version=OPSET, do_constant_folding=True)
    graph = onnx.load(str(path))
    # The tracer names derived output axes after ops (e.g. "Addslots_dim_1"); declare the known static dims.
    for value in list(graph.graph.input) + list(graph.graph.output):
        shape = value.type.tensor_type.shape
        want = ["batch"] + list(dims[value.name])
        if len(shape.dim) != len(want):
            raise RuntimeError(f"{path.name}: {value.name} has rank {len(shape.dim)}, expected {len(want)}")
        for axis, size in zip(shape.dim, want):
            if isinstance(size, str):
                axis.dim_param = size
            else:
                axis.dim_value = size
    onnx.checker.check_model(graph, full_check=True)
    onnx.save(graph, str(path))


def export_bundle(model: SlotContrastModel, out_dir, *, name: str, role: str, source: str,
                  training_command: Optional[str] = None, seed: Optional[int] = None,
                  with_reconstruction: bool = False, card: Optional[Dict[str, Any]] = None,
                  overwrite: bool = False) -> pathlib.Path:
    """Export ``model`` as a bundle folder ``out_dir``; returns its path. Refuses an existing folder unless overwrite."""
    out = pathlib.Path(out_dir)
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out}: already exists (pass overwrite=True / --force to replace it)")
    manifest = manifest_for(model, name=name, role=role, source=source, training_command=training_command,
                            seed=seed, with_reconstruction=with_reconstruction, card=card)
    cfg = model.config
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    was_training = model.training
    model.eval()
    try:
        step_outputs = manifest["graphs"]["first"]["outputs"]
        features = torch.zeros(2, cfg.num_patches, cfg.feature_dim)
        init = model.initializer(2).detach().clone()
        dims = tensor_dims(model)
        with torch.no_grad():
            _export(EncoderGraph(model), (torch.zeros(2, 3, cfg.image_height, cfg.image_width),),
                    tmp / GRAPH_FILES["encoder"], ["pixels"], ["features"], dims)
            _export(FirstGraph(model, with_reconstruction), (features,), tmp / GRAPH_FILES["first"],
                    ["features"], step_outputs, dims)
            _export(NextGraph(model, with_reconstruction), (features, init), tmp / GRAPH_FILES["next"],
                    ["features", "init"], step_outputs, dims)
        with open(tmp / "model.json", "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        os.chmod(tmp, 0o755)
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        model.train(was_training)
    return out
