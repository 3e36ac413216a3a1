"""Recipes for the project's own synthetic world (no pretrained backbone exists on these machines).

``synth_cnn`` registers the ``'synth-cnn'`` backbone; ``pretrain`` is stage 1 (a pixel slot-attention
autoencoder that trains that backbone self-supervised); stage 2 is the ordinary ``train`` / ``distill``.
"""
from .synth_cnn import SynthCNN, build_synth_cnn

__all__ = ["SynthCNN", "build_synth_cnn"]
