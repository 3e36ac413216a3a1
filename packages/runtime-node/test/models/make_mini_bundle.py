"""Writes the runtime tests' own small bundle `mini/` and its reference clip `mini-clip.json`.

Not a SlotContrast model: a two-graph-step network with the bundle's graph I/O contract
(docs/MODEL_BUNDLE.md) — patch-embedding encoder, one slot-attention iteration with a learned
initialisation, a dot-product mask decoder (softmax over slots) and a linear predictor — so the
runtimes' loading, batching, carrying and post-processing can be tested before the real exported
fixtures (packages/runtime-node/test/fixtures/, written by `slotmatch_torch fixtures`) exist.
Deterministic (seed 0). Run from this folder: /usr/bin/python3 make_mini_bundle.py
"""
import base64
import json
import os

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
H, W, PATCH, D, K, S = 24, 32, 8, 8, 3, 6
GH, GW = H // PATCH, W // PATCH
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Conv2d(3, D, PATCH, PATCH)

    def forward(self, pixels):
        return torch.tanh(self.proj(pixels)).flatten(2).transpose(1, 2)  # [N, P, D]


class Step(nn.Module):
    def __init__(self, learned_init):
        super().__init__()
        self.init = nn.Parameter(torch.randn(1, K, S)) if learned_init else None
        self.q = nn.Linear(S, D)
        self.k = nn.Linear(D, D)
        self.v = nn.Linear(D, S)
        self.m = nn.Linear(S, D)
        self.pred = nn.Linear(S, S)

    def step(self, features, init):
        q = self.q(init)  # [B, K, D]
        k = self.k(features)  # [B, P, D]
        logits = torch.einsum("bkd,bpd->bkp", q, k) / D**0.5
        attention = logits.softmax(dim=1)  # softmax over slots
        weights = attention / (attention.sum(dim=2, keepdim=True) + 1e-8)
        slots = init + torch.einsum("bkp,bps->bks", weights, self.v(features))
        masks = torch.einsum("bkd,bpd->bkp", self.m(slots), features).softmax(dim=1)
        return slots, masks, attention, self.pred(slots)


class First(Step):
    def __init__(self):
        super().__init__(True)

    def forward(self, features):
        return self.step(features, self.init.expand(features.shape[0], -1, -1))


class Next(Step):
    def __init__(self, first):
        super().__init__(False)
        self.load_state_dict({k: v for k, v in first.state_dict().items() if k != "init"})

    def forward(self, features, init):
        return self.step(features, init)


def tensor(t):
    t = t.detach().contiguous()
    dtype = {torch.float32: "float32", torch.float64: "float64"}[t.dtype]
    return {"dims": list(t.shape), "dtype": dtype, "data": base64.b64encode(t.numpy().tobytes()).decode()}


def main():
    enc, first = Encoder().eval(), First().eval()
    nxt = Next(first).eval()
    os.makedirs("mini", exist_ok=True)
    outs = ["slots", "masks", "attention", "next_init"]
    dyn = {"features": {0: "batch"}, "init": {0: "batch"}, **{o: {0: "batch"} for o in outs}}
    torch.onnx.export(enc, torch.zeros(2, 3, H, W), "mini/encoder.onnx", input_names=["pixels"],
                      output_names=["features"], dynamic_axes={"pixels": {0: "batch"}, "features": {0: "batch"}},
                      opset_version=17)
    torch.onnx.export(first, torch.zeros(1, GH * GW, D), "mini/first.onnx", input_names=["features"],
                      output_names=outs, dynamic_axes=dyn, opset_version=17)
    torch.onnx.export(nxt, (torch.zeros(1, GH * GW, D), torch.zeros(1, K, S)), "mini/next.onnx",
                      input_names=["features", "init"], output_names=outs, dynamic_axes=dyn, opset_version=17)
    n_params = sum(p.numel() for m in (enc, first) for p in m.parameters())
    manifest = {
        "format": "slotmatch-bundle", "formatVersion": 1, "name": "runtime-test-mini", "role": "student",
        "architecture": "slotcontrast",
        "input": {"height": H, "width": W, "channelOrder": "rgb", "valueRange": [0, 1], "mean": MEAN,
                  "std": STD, "resize": "bicubic"},
        "tokens": {"gridHeight": GH, "gridWidth": GW, "dim": D},
        "slots": {"count": K, "dim": S, "iterationsFirst": 1, "iterationsNext": 1},
        "graphs": {
            "encoder": {"file": "encoder.onnx", "inputs": ["pixels"], "outputs": ["features"]},
            "first": {"file": "first.onnx", "inputs": ["features"], "outputs": outs},
            "next": {"file": "next.onnx", "inputs": ["features", "init"], "outputs": outs},
        },
        "parameters": {"total": n_params, "trainable": n_params},
        "provenance": {"source": "random init (make_mini_bundle.py)", "converter": "torch.onnx.export",
                       "trainingCommand": None, "seed": 0},
    }
    with open("mini/model.json", "w") as f:
        json.dump(manifest, f, indent=2)

    # Reference clip: T frames of 30×45 (not the input size, not its aspect ratio).
    T, H0, W0 = 5, 30, 45
    frames = torch.randint(0, 256, (T, H0, W0, 3)).float()
    x = frames.permute(0, 3, 1, 2) / 255
    x = F.interpolate(x, size=(H, W), mode="bicubic", align_corners=False)
    x = (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)
    with torch.no_grad():
        feats = enc(x)
        slots, masks, att = [], [], []
        carry = None
        for t in range(T):
            f = feats[t : t + 1]
            s, m, a, carry = first(f) if carry is None else nxt(f, carry)
            slots.append(s[0]), masks.append(m[0]), att.append(a[0])
    clip = {"frames": tensor(frames), "model": {"pixels": tensor(x), "slots": tensor(torch.stack(slots)),
            "masks": tensor(torch.stack(masks)), "attention": tensor(torch.stack(att))}}
    with open("mini-clip.json", "w") as f:
        json.dump(clip, f)


if __name__ == "__main__":
    main()
