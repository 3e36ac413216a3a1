"""Model bundle export (docs/MODEL_BUNDLE.md): ONNX graphs + model.json."""
from .export import GRAPH_FILES, OPSET, export_bundle, manifest_for, tensor_dims
from .graphs import STEP_OUTPUTS, EncoderGraph, FirstGraph, NextGraph

__all__ = ["GRAPH_FILES", "OPSET", "export_bundle", "manifest_for", "tensor_dims", "STEP_OUTPUTS", "EncoderGraph", "FirstGraph",
           "NextGraph"]
