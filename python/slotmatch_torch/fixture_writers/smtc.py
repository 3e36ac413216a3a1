"""``smtc``: the PyTorch references for the TypeScript SMTC head and deformable sampling in @slotmatch/core.

* packages/core/test/fixtures/smtc-forward.json — an SMTC head (``slotmatch_torch.smtc.SMTCHead``,
  official parameter names) with seeded random parameters (biases and LayerNorm affine parameters moved
  off 0/1, weight matrices with a gain so attention is far from uniform), run by torch on seeded random
  attention keys [B, T, D, h, w] with explicit standard-normal instance noise. The seed is checked so that
  no semantic logit lies within 1e-3 of the 0.3 gate (float rounding cannot flip it) and the gate is
  neither all-on nor all-off. Both gates (threshold, older softmax) are recorded.
* packages/core/test/fixtures/grid-sample.json — ``F.grid_sample`` (bilinear, zero padding) of a random
  [C, H, W] map at random points (some outside the map), for align_corners False and True, with torch
  autograd gradients w.r.t. the map and the sampling grid for a random upstream gradient.
"""
import pathlib
from typing import List

import torch
import torch.nn.functional as F

from ..smtc import SMTCHead
from .encoding import encode_tensor, write_json_atomic

SMTC_PATH = pathlib.Path("packages/core/test/fixtures/smtc-forward.json")
GRID_PATH = pathlib.Path("packages/core/test/fixtures/grid-sample.json")
SEED = 13
B, T, D, H, W = 2, 3, 8, 4, 4
CENTRES, INSTANCES, ITERS, FUSION = 3, 2, 3, (2, 2)
THRESHOLD = 0.3


def _perturb(model: torch.nn.Module, g: torch.Generator) -> None:
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name == "slot_attention.slots_sigma":
                p.copy_(-1.0 + 0.3 * torch.randn(p.shape, generator=g))
            elif name == "slot_attention.slots_mu":
                p.copy_(torch.randn(p.shape, generator=g))
            elif p.ndim == 1:
                p.add_(0.1 * torch.randn(p.shape, generator=g))
            else:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=g) * 1.5 / fan_in ** 0.5)


def build_smtc(seed: int = SEED) -> dict:
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    head = SMTCHead(num_slots=CENTRES, num_instances=INSTANCES, dim=D, iters=ITERS, fusion_size=FUSION).eval()
    _perturb(head, g)
    keys = torch.randn(B, T, D, H, W, generator=g) * 2.0
    noise = torch.randn(B * T, CENTRES, INSTANCES, D, generator=g)
    with torch.no_grad():
        out = head(keys, noise, gate="threshold", threshold=THRESHOLD)
        soft = head(keys, noise, gate="softmax")
    logits = out["semantic_logits"]
    margin = (logits - THRESHOLD).abs().min().item()
    share = (logits > THRESHOLD).float().mean().item()
    if margin < 1e-3 or not 0.1 < share < 0.9:
        raise RuntimeError(f"smtc fixture seed {seed}: gate margin {margin:.2e}, share on {share:.2f}")
    weights = {k: encode_tensor(v.float()) for k, v in head.state_dict().items()}
    keys_tokens = keys.permute(0, 1, 3, 4, 2).reshape(B, T, H * W, D)  # token-major [B, T, N, D]

    def outputs(o):
        return {
            "fused_keys": encode_tensor(o["fused_keys"].reshape(B, T, H * W, D)),
            "semantic_slots": encode_tensor(o["semantic_slots"].reshape(B, T, CENTRES, D)),
            "semantic_logits": encode_tensor(o["semantic_logits"].reshape(B, T, CENTRES, H * W)),
            "instance_slots": encode_tensor(o["instance_slots"].reshape(B, T, CENTRES, INSTANCES, D)),
            "instance_logits": encode_tensor(o["instance_logits"].reshape(B, T, CENTRES, INSTANCES, H * W)),
            "semantic_mask": encode_tensor(o["semantic_mask"].reshape(B, T, CENTRES, H * W)),
            "instance_mask": encode_tensor(o["instance_mask"].reshape(B, T, CENTRES, INSTANCES, H * W)),
            "instance_embedding": encode_tensor(o["instance_embedding"].reshape(B, T, CENTRES, INSTANCES, D)),
        }

    return {
        "config": {"centres": CENTRES, "instances": INSTANCES, "dim": D, "gridHeight": H, "gridWidth": W,
                   "fusionHeight": FUSION[0], "fusionWidth": FUSION[1], "iterations": ITERS, "eps": 1e-8,
                   "threshold": THRESHOLD, "gateMargin": margin, "gateShare": share},
        "weights": weights,
        "keys": encode_tensor(keys_tokens),
        "noise": encode_tensor(noise.reshape(B, T, CENTRES, INSTANCES, D)),
        "outputs": {"threshold": outputs(out), "softmax": outputs(soft)},
    }


def build_grid_sample(seed: int = SEED) -> dict:
    g = torch.Generator().manual_seed(seed)
    c, h, w, q = 3, 5, 6, 40
    source = torch.randn(1, c, h, w, generator=g, dtype=torch.float64)
    # Normalised coordinates in [-1.3, 1.3] so some points fall (partly) outside the map.
    grid = (torch.rand(1, 1, q, 2, generator=g, dtype=torch.float64) * 2.6 - 1.3)
    upstream = torch.randn(1, c, 1, q, generator=g, dtype=torch.float64)
    cases = {}
    for align in (False, True):
        s = source.clone().requires_grad_(True)
        gr = grid.clone().requires_grad_(True)
        out = F.grid_sample(s, gr, mode="bilinear", padding_mode="zeros", align_corners=align)
        (out * upstream).sum().backward()
        cases["alignCorners" if align else "halfPixel"] = {
            "output": encode_tensor(out.detach().reshape(c, q)),
            "gradMap": encode_tensor(s.grad.reshape(c, h, w)),
            "gradGrid": encode_tensor(gr.grad.reshape(q, 2)),
        }
    return {"map": encode_tensor(source.reshape(c, h, w)), "grid": encode_tensor(grid.reshape(q, 2)),
            "upstream": encode_tensor(upstream.reshape(c, q)), "cases": cases}


def write(repo_root: pathlib.Path) -> List[pathlib.Path]:
    torch.set_num_threads(1)
    root = pathlib.Path(repo_root)
    return [write_json_atomic(root / SMTC_PATH, build_smtc()),
            write_json_atomic(root / GRID_PATH, build_grid_sample())]


if __name__ == "__main__":
    import sys

    for path in write(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")):
        print(path)
