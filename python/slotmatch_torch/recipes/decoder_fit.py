"""Stage 1b of the synthetic-world recipe: fit the stage-2 decoder to the frozen stage-1 model.

Stage 2's MLP decoder starts from random weights, and on this CPU its alpha masks did not follow the
slots within the steps we can afford (video FG-ARI of the decoder masks ≈ 0.01 after 400 steps while the
warm-started slot attention already grouped). So before stage 2, with every stage-1 weight frozen, the decoder
alone is trained on single frames of the stage-2 model (backbone pooled to the stage-2 grid):

    L = L_rec(decoder reconstruction, backbone tokens) + Σ_{b,p} w[k*]·(−log(m[k*, p] + 1e-8)) / Σ_{b,p} w[k*],
    k*(p) = argmax_k A[k,p],  w[k] = 1 / (number of the batch's pixels whose arg-max slot is k)

where A is the model's own last slot-attention map (detached) and m the decoder masks: the masks are distilled
from the model's own attention (no annotation is read). The target is the arg-max slot, because the stage-1
attention is soft (its entropy is close to log K) and what segments is its arg-max; the class weights w keep the
decoder from settling on the one or two slots that cover most pixels (background), which it did unweighted. The predictor's two output projections are zeroed, so
it starts as the identity (next_init = slots, the frame-to-frame carry that stage 1 was evaluated with).
The result is a checkpoint with every weight of the stage-2 model, for ``train --init-from``.
"""
import json
import math
import os
import sys
import time
from typing import Any, Dict, Optional

import torch
from torch import nn

from ..data import ClipDataset
from ..models import build_model
from ..train.checkpoint import FORMAT, VERSION, rng_state, save_atomic
from ..train.evaluate import evaluate_folder
from .pretrain import load_stage1_weights


def identity_predictor(model: nn.Module) -> None:
    """Zero the output projections of the predictor's attention and MLP: each residual block becomes x ↦ x."""
    with torch.no_grad():
        for block in model.processor.module.predictor.blocks:
            for layer in (block.self_attn.out_proj, block.linear2):
                layer.weight.zero_()
                layer.bias.zero_()


def attention_to_masks_loss(masks: torch.Tensor, attention: torch.Tensor) -> torch.Tensor:
    """Slot-balanced cross-entropy of the masks [B,K,P] to the arg-max slot of the attention [B,K,P] (module doc)."""
    target = attention.argmax(dim=1, keepdim=True)
    counts = torch.bincount(target.flatten(), minlength=masks.shape[1]).to(masks.dtype)
    weights = (1.0 / counts.clamp(min=1.0))[target]
    nll = -torch.log(torch.gather(masks, 1, target) + 1e-8)
    return (weights * nll).sum() / weights.sum()


def fit_decoder(stage1: str, data: str, out: str, model_config, steps: int = 300, batch_frames: int = 32,
                lr: float = 3e-3, seed: int = 0, eval_data: Optional[str] = None, eval_videos: Optional[int] = None,
                threads: Optional[int] = None, command: Optional[str] = None) -> Dict[str, Any]:
    """Load the stage-1 weights of checkpoint ``stage1`` into the stage-2 model ``model_config``, fit its decoder
    (module doc) for ``steps`` steps and write ``out`` (a checkpoint file); returns {loss, eval}."""
    if threads:
        torch.set_num_threads(int(threads))
    torch.manual_seed(seed)
    model = build_model(model_config)
    stored = torch.load(stage1, map_location="cpu")["state_dict"]
    loaded = load_stage1_weights(model, stored, stage1)
    identity_predictor(model)
    model.requires_grad_(False)
    decoder = model.decoder.module
    decoder.requires_grad_(True)
    optimizer = torch.optim.Adam(decoder.parameters(), lr=lr)
    cfg = model_config
    dataset = ClipDataset(data, max(1, batch_frames // 2), 2, 1, "any", 0.5, seed, True, mean=cfg.mean, std=cfg.std)
    size = (cfg.image_height, cfg.image_width)
    model.eval()
    started = time.perf_counter()
    loss = torch.zeros(())
    for step in range(steps):
        frames = dataset.batch(step, size).flatten(0, 1)
        with torch.no_grad():
            features = model.encode(frames)
            h = model.encoder.module.output_transform(features)
            out_sa = model.processor.module.corrector(model.initializer(frames.shape[0]), h, cfg.iterations_first)
        decoded = decoder(out_sa["slots"])
        rec = torch.mean((decoded["reconstruction"] - features) ** 2)
        loss = rec + attention_to_masks_loss(decoded["masks"], out_sa["attention"])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if (step + 1) % 25 == 0:
            print(f"[fit-decoder] step {step + 1}/{steps} loss {float(loss):.4f} rec {float(rec):.4f}", file=sys.stderr,
                  flush=True)
    elapsed = time.perf_counter() - started
    model.requires_grad_(True)
    result = evaluate_folder(model, cfg, eval_data, eval_videos) if eval_data else None
    save_atomic({"format": FORMAT, "version": VERSION, "kind": "pretrain", "role": "pretrain",
                 "model_config": cfg.to_dict(), "state_dict": model.state_dict(), "step": steps, "elapsed": elapsed,
                 "rng": rng_state(), "metrics": result, "seed": seed, "training_command": command,
                 "stage1": os.path.abspath(stage1), "loaded": loaded}, out)
    log = os.path.join(os.path.dirname(os.path.abspath(out)), "fit-decoder.json")
    with open(log, "w") as handle:
        json.dump({"command": command, "steps": steps, "elapsed": elapsed, "loss": float(loss), "eval": result,
                   "seed": seed}, handle, indent=2)
    return {"loss": float(loss), "eval": result, "elapsed": elapsed, "checkpoint": out}
